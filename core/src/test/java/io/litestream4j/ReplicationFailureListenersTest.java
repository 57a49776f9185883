package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.replica.LeaseLostException;
import io.litestream4j.replica.LeaseableClient;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaLease;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.ForwardingReplicaClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@link Replication#onFailure} listener hears of a replication that stopped by itself (here:
 * its lease was lost): those registered before the failure on a background thread, one registered
 * after it at once on the caller's thread.
 */
class ReplicationFailureListenersTest {
  @TempDir Path dir;

  /** A file replica whose lease the test takes away by calling the lease's loss callback. */
  private static final class LosableLeaseClient extends ForwardingReplicaClient
      implements LeaseableClient {
    final CompletableFuture<Consumer<? super LeaseLostException>> onLost =
        new CompletableFuture<>();

    LosableLeaseClient(ReplicaClient delegate) {
      super(delegate);
    }

    @Override
    public ReplicaLease acquireLease(Consumer<? super LeaseLostException> lost) {
      onLost.complete(lost);
      return ReplicaLease.none();
    }
  }

  @Test
  void everyListenerIsToldOnceAndLateOnesAtOnce() throws Exception {
    Path db = dir.resolve("app.db");
    var client =
        new LosableLeaseClient(new FileReplicaClient(dir.resolve("replica")).withLease(false));
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = app.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
      ReplicationOptions opts =
          ReplicationOptions.of(db, "file:///unused")
              .withSyncInterval(Duration.ZERO)
              .withShutdownSync(Duration.ofMillis(300), Duration.ofMillis(100));
      try (Replication r = Replication.start(opts, client)) {
        var first = new CompletableFuture<Throwable>();
        var second = new CompletableFuture<Throwable>();
        var third = new CompletableFuture<Throwable>();
        r.onFailure(first::complete);
        r.onFailure(second::complete);
        r.onFailure(third::complete);
        r.syncAndAwait(Duration.ofSeconds(10));
        assertThat(r.failure()).isEmpty();

        var lost = new LeaseLostException("another replicator took the lease");
        client.onLost.get(10, TimeUnit.SECONDS).accept(lost);

        assertThat(first.get(10, TimeUnit.SECONDS)).isSameAs(lost);
        assertThat(second.get(10, TimeUnit.SECONDS)).isSameAs(lost);
        assertThat(third.get(10, TimeUnit.SECONDS)).isSameAs(lost);
        assertThat(r.failure()).containsSame(lost);
        assertThat(r.running()).isFalse();
        List<Throwable> late = new ArrayList<>();
        r.onFailure(late::add);
        assertThat(late)
            .as("a listener added after the failure is told at once")
            .containsExactly(lost);
      }
    }
  }
}
