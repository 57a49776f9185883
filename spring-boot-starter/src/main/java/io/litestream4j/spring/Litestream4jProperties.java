package io.litestream4j.spring;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code litestream4j.*}: which database to replicate where, mirroring {@code litestream.yml}'s
 * keys for one database ({@code path}, {@code replica.url}, {@code sync-interval}, {@code
 * shutdown-sync-timeout}) plus what only an embedded replicator can do (restore before the
 * application opens its database, health).
 *
 * @param enabled turn replication off without removing the other properties
 * @param database the SQLite database file the application's {@code DataSource} opens
 * @param replicaUrl where to replicate ({@code file:///...}, {@code s3://bucket/path?...}, ...)
 * @param syncInterval Litestream's {@code sync-interval}: how often new commits are shipped
 * @param shutdownSyncTimeout how long closing the application waits for the last uploads
 * @param restoreIfMissing restore the latest replicated state before start-up when the database
 *     file does not exist (a fresh machine or container); a replica without backups is not an error
 * @param health when the health indicator reports DOWN
 */
@ConfigurationProperties("litestream4j")
public record Litestream4jProperties(
    @DefaultValue("true") boolean enabled,
    Path database,
    String replicaUrl,
    @DefaultValue("1s") Duration syncInterval,
    @DefaultValue("30s") Duration shutdownSyncTimeout,
    @DefaultValue("false") boolean restoreIfMissing,
    @DefaultValue Health health) {

  /**
   * @param maxLag DOWN once commits have waited longer than this for the replica (the replica is
   *     unreachable, credentials expired, ...); UP again as soon as the replica catches up
   * @param sampleInterval how often the indicator samples replication in the background
   */
  public record Health(
      @DefaultValue("30s") Duration maxLag, @DefaultValue("1s") Duration sampleInterval) {}
}
