package io.litestream4j.testing;

import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.testing.ReplicationRoundTrip.Expected;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replication tests every backend served by a real server process shares: replicate then
 * restore every few captured TXIDs exactly (content, checksum, integrity), also when the server is
 * stopped and started again in the middle of replication. A backend's test class says how to start
 * its server and how to reach a replica on it, and adds its own scenarios.
 */
public abstract class ServerReplicationScenarios<S extends RestartableServer> {

  protected static final Duration ACK = Duration.ofSeconds(90);

  @TempDir protected Path dir;
  protected S server;

  /** Starts a fresh server storing below {@code dir}. */
  protected abstract S start(Path dir) throws Exception;

  /**
   * A client of the replica named {@code name} on the server (called for the writer and again for
   * the reader); the replica has been {@linkplain #prepare prepared}.
   */
  protected abstract ReplicaClient client(String name) throws Exception;

  /**
   * Creates what the server needs before replica {@code name} can be written; nothing by default.
   */
  protected void prepare(String name) throws Exception {}

  @BeforeEach
  void startServer() throws Exception {
    server = start(dir);
  }

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void replicateThenRestoreEveryCapturedTxid() throws Exception {
    prepare("app");
    var trip = new ReplicationRoundTrip(dir);
    Map<Long, Expected> expected =
        trip.replicate(client("app"), 20, 7, ACK, ReplicationRoundTrip.RoundHook.NONE);
    try (var reader = client("app")) {
      trip.assertRestores(reader, expected, 4);
    }
  }

  @Test
  void nothingIsLostWhenTheServerRestartsMidReplication() throws Exception {
    prepare("restarted");
    var trip = new ReplicationRoundTrip(dir);
    Map<Long, Expected> expected =
        trip.replicate(
            client("restarted"),
            12,
            13,
            ACK,
            (round, r, db) -> {
              if (round == 5) {
                server.stop();
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                    Statement st = c.createStatement()) {
                  st.execute("PRAGMA busy_timeout=5000");
                  st.execute("INSERT INTO t (note) VALUES ('written while the server is down')");
                }
                r.sync();
                Await.until(
                    () -> r.replicaError().isPresent(),
                    Duration.ofSeconds(60),
                    "an upload to fail while " + server.name() + " is down");
                server.restart();
              }
            });
    try (var reader = client("restarted")) {
      trip.assertRestores(reader, expected, 3);
    }
  }
}
