package io.litestream4j;

import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.restore.RestoreJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Rebuilds a database from a replica: the embedding API of {@code litestream4j restore}.
 *
 * <pre>{@code
 * try (ReplicaClient client = ReplicaClients.discover().create("s3://bucket/app")) {
 *   RestoreResult r = new Restorer(client).restore(RestoreOptions.of(Path.of("app.db"))
 *       .withTarget(RestoreTarget.timestamp(Instant.parse("2025-01-01T12:00:00Z"))));
 * }
 * }</pre>
 *
 * <p>Guarantees: the result is exactly the replicated database at the planned TXID — every LTX
 * file's checksum is verified while streaming and, where files carry rolling checksums, so are
 * continuity and the final database checksum (otherwise SQLite's {@code quick_check} runs). The
 * database appears at the output path atomically and durably or not at all; an existing database is
 * never replaced unless asked to. Downloads run concurrently, resume after dropped connections, and
 * memory use does not grow with the database. See {@link RestorePlan} for how files are chosen.
 *
 * <p>The client stays owned by the caller. Thread-safe: concurrent restores to different outputs
 * are fine.
 */
public final class Restorer {
  private final ReplicaClient client;
  private final String replica;

  /** A restorer reading from {@code client}, named in messages by its {@code toString()}. */
  public Restorer(ReplicaClient client) {
    this(client, client.toString());
  }

  /** A restorer reading from {@code client}, named {@code replica} in messages (e.g. its URL). */
  public Restorer(ReplicaClient client, String replica) {
    this.client = Objects.requireNonNull(client, "client");
    this.replica = Objects.requireNonNull(replica, "replica");
  }

  /**
   * The files a restore to {@code target} would apply, without downloading anything.
   *
   * @throws RestoreException if the replica is empty, lacks the target or has a gap
   */
  public RestorePlan plan(RestoreTarget target) throws IOException {
    return RestoreJob.plan(client, replica, target);
  }

  /**
   * Restores as {@code options} say.
   *
   * @throws RestoreException if the replica cannot rebuild the target, its data fails verification,
   *     or the output cannot be written; nothing is left behind
   * @throws IOException if the replica cannot be read (after the retries of the retry policy)
   */
  public RestoreResult restore(RestoreOptions options) throws IOException {
    return RestoreJob.run(client, replica, options);
  }

  /**
   * What {@code replicate -restore-if-db-not-exists} does before replicating: if {@code db} is
   * missing (or an empty file), restores the latest state from {@code client} with a {@code
   * quick_check}. A replica without backups is not an error: the application starts fresh.
   *
   * @return the restore, or empty if the database existed or the replica has no backups
   * @throws RestoreException if backups exist but cannot be restored (gap, corruption, ...), or a
   *     -wal/-shm/-journal file of a previous database is still beside the missing one
   */
  public static Optional<RestoreResult> restoreIfMissing(Path db, ReplicaClient client)
      throws IOException {
    if (Files.exists(db) && Files.size(db) > 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Restorer(client)
              .restore(
                  RestoreOptions.of(db).withIntegrityCheck(RestoreOptions.IntegrityCheck.QUICK)));
    } catch (RestoreException e) {
      if (e.reason() == RestoreException.Reason.NO_BACKUPS) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
