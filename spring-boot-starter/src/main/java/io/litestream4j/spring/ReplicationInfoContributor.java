package io.litestream4j.spring;

import io.litestream4j.Replication;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * Adds {@code litestream4j}: database, replica URL, local and replica TXID to {@code
 * /actuator/info}.
 */
public final class ReplicationInfoContributor implements InfoContributor {
  private final Replication replication;

  public ReplicationInfoContributor(Replication replication) {
    this.replication = replication;
  }

  @Override
  public void contribute(Info.Builder builder) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("database", replication.options().database().toString());
    info.put("replica", replication.options().replicaUrl());
    info.put("syncInterval", replication.options().syncInterval().toString());
    info.put("localTxid", Long.toHexString(replication.position().txid()));
    info.put("replicaTxid", Long.toHexString(Math.max(0, replication.replicatedTxid())));
    builder.withDetail("litestream4j", info);
  }
}
