package io.litestream4j.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.ltx.LtxApplier;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ResumableInputStream;
import io.litestream4j.replica.RetryPolicy;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.ReplicationRoundTrip;
import io.litestream4j.testing.ReplicationRoundTrip.Expected;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication to S3 and back: an application writes through JDBC while {@link Replication} ships L0
 * files to s3proxy through {@link S3ReplicaClient}; at several TXIDs the source is captured and the
 * replica's files up to that TXID must rebuild exactly that database (content, rolling checksum,
 * integrity). Once over a clean connection, once through a proxy that resets, throttles, fails and
 * stalls connections during both replication and restore.
 */
class S3ReplicationTest {

  private static final RetryPolicy RESUME =
      new RetryPolicy(8, Duration.ofMillis(20), RetryPolicy.Sleeper.THREAD);

  static S3ProxyServer server;

  @TempDir Path dir;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Test
  void replicateThenRestoreEveryCapturedTxid() throws Exception {
    server.createBucket("roundtrip");
    S3ReplicaClient client = S3ReplicaClient.create(server.settings("roundtrip", "apps/app.db"));
    Map<Long, Expected> expected = replicate(client, 24, 7);
    try (S3ReplicaClient reader =
        S3ReplicaClient.create(server.settings("roundtrip", "apps/app.db"))) {
      assertThat(reader.ltxFiles(0, 1))
          .first()
          .satisfies(f -> assertThat(f.minTxid()).isEqualTo(1));
      assertRestores(reader, expected);
    }
  }

  @Test
  void nothingIsLostThroughResetsThrottlingErrorsAndStalls() throws Exception {
    server.createBucket("faulty");
    S3Tuning tuning =
        S3Tuning.DEFAULTS
            .withSocketTimeout(Duration.ofMillis(700))
            .withRetries(10, Duration.ofMillis(5), Duration.ofMillis(100));
    try (FaultyProxy proxy = new FaultyProxy(server.port(), 1234, 0.3, 1_000)) {
      S3Settings viaProxy =
          S3Settings.of("faulty", "db", proxy.endpoint(), S3ProxyServer.credentials());
      proxy.faulty(true);
      Map<Long, Expected> expected = replicate(S3ReplicaClient.create(viaProxy, tuning), 16, 11);
      int duringReplication = proxy.injectedTotal();

      try (S3ReplicaClient reader = S3ReplicaClient.create(viaProxy, tuning)) {
        assertRestores(reader, expected);
      }
      assertThat(duringReplication).as("faults injected while replicating").isGreaterThan(5);
      assertThat(proxy.injectedTotal() - duringReplication)
          .as("faults injected while restoring")
          .isGreaterThan(5);
      for (FaultyProxy.Fault f :
          List.of(
              FaultyProxy.Fault.RESET,
              FaultyProxy.Fault.ERROR_500,
              FaultyProxy.Fault.THROTTLE_429,
              FaultyProxy.Fault.STALL)) {
        assertThat(proxy.injected(f)).as("%s faults", f).isPositive();
      }
      System.out.printf(
          "fault run: %d connections, %d faults (reset %d, 500 %d, 429 %d, stall %d)%n",
          proxy.connections(),
          proxy.injectedTotal(),
          proxy.injected(FaultyProxy.Fault.RESET),
          proxy.injected(FaultyProxy.Fault.ERROR_500),
          proxy.injected(FaultyProxy.Fault.THROTTLE_429),
          proxy.injected(FaultyProxy.Fault.STALL));
    }
  }

  /** Runs the shared application workload while replicating, acknowledging each round. */
  private Map<Long, Expected> replicate(ReplicaClient client, int rounds, long seed)
      throws Exception {
    return new ReplicationRoundTrip(dir)
        .replicate(
            client, rounds, seed, Duration.ofSeconds(60), ReplicationRoundTrip.RoundHook.NONE);
  }

  private void assertRestores(ReplicaClient reader, Map<Long, Expected> expected) throws Exception {
    List<Long> txids = List.copyOf(expected.keySet());
    // every few TXIDs and always the last one
    for (int i = 0; i < txids.size(); i++) {
      if (i % 4 != 3 && i != txids.size() - 1) {
        continue;
      }
      long txid = txids.get(i);
      Path out = dir.resolve("restored-" + txid + "-" + System.nanoTime() + ".db");
      long checksum = restoreFromL0(reader, txid, out);
      Expected e = expected.get(txid);
      DbCompare.assertSameContent(e.dump(), DbCompare.dump(out), "TXID " + txid);
      assertThat(checksum).as("checksum at TXID %d", txid).isEqualTo(e.checksum());
      assertThat(DatabaseChecksum.of(out)).isEqualTo(e.checksum());
      DbCompare.assertIntegrity(out);
    }
  }

  /**
   * Applies the replica's L0 files 1..txid, read with resumable ranged GETs; returns the checksum.
   */
  static long restoreFromL0(ReplicaClient client, long txid, Path out) throws IOException {
    List<LtxFileInfo> files =
        client.ltxFiles(0, 1).stream().filter(f -> f.maxTxid() <= txid).toList();
    assertThat(files).as("L0 files up to %d", txid).hasSize((int) txid);
    try (FileChannel ch =
        FileChannel.open(
            out,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      LtxApplier applier = LtxApplier.create(ch);
      for (LtxFileInfo f : files) {
        try (InputStream in = ResumableInputStream.open(client, f, RESUME)) {
          applier.apply(in);
        }
      }
      return applier.checksum();
    }
  }
}
