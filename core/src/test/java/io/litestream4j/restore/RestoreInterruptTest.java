package io.litestream4j.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.RestoreOptions;
import io.litestream4j.Restorer;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.ForwardingReplicaClient;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An application that interrupts the thread running a restore (a timeout, a shutdown, Ctrl+C in the
 * command-line tool) gets the restore stopped promptly, with nothing left in the output's directory
 * and the thread's interrupt status kept, whether the replica is read in place (a directory) or
 * downloaded and staged (a remote store).
 */
class RestoreInterruptTest {
  private static final long INTERRUPT_AFTER_BYTES = 4L << 20;
  @TempDir static Path shared;
  private static Path replica;

  @BeforeAll
  static void replicateTwentyMegabytes() throws Exception {
    Path db = shared.resolve("source.db");
    replica = shared.resolve("replica");
    RestoreFixtures.randomRows(db, 5000);
    try (Replication r = Replication.start(ReplicationOptions.of(db, replica.toUri().toString()))) {
      r.syncAndAwait(Duration.ofSeconds(60));
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
          Statement st = c.createStatement()) {
        for (int i = 0; i < 3; i++) {
          st.execute("INSERT INTO t SELECT randomblob(4000) FROM t LIMIT 50");
          r.syncAndAwait(Duration.ofSeconds(60));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "remote"})
  void interruptingTheRestoringThreadStopsItAndLeavesNothing(String type, @TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("restored.db");
    AtomicBoolean interrupted = new AtomicBoolean();
    CompletableFuture<Thread> victim = new CompletableFuture<>();
    AtomicLong read = new AtomicLong();
    ReplicaClient client =
        new InterruptingClient(
            new FileReplicaClient(replica),
            type,
            read,
            () -> {
              if (interrupted.compareAndSet(false, true)) {
                victim.join().interrupt();
              }
            });
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    AtomicBoolean statusKept = new AtomicBoolean();
    Thread t =
        Thread.ofPlatform()
            .name("test-restore")
            .start(
                () -> {
                  try {
                    new Restorer(client, "interrupted").restore(RestoreOptions.of(out));
                    outcome.complete(null);
                  } catch (Throwable e) {
                    statusKept.set(Thread.currentThread().isInterrupted());
                    outcome.complete(e);
                  }
                });
    victim.complete(t);

    Throwable failure = outcome.get(60, TimeUnit.SECONDS);
    t.join(TimeUnit.SECONDS.toMillis(10));

    assertThat(interrupted).as("the hook interrupted the restore").isTrue();
    assertThat(failure)
        .as("the restore's outcome after %d bytes were read", read.get())
        .isNotNull();
    assertThat(failure).isInstanceOf(IOException.class);
    assertThat(statusKept).as("interrupt status still set when restore() returned").isTrue();
    try (var left = Files.list(dir)) {
      assertThat(left.toList()).as("left behind in the output's directory").isEmpty();
    }
  }

  @Test
  void anInterruptArrivingAfterTheRenameDoesNotFailTheRestore(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("restored.db");
    byte[] content = {1, 2, 3};
    OutputFile out = OutputFile.prepare(target, false);
    try (FileChannel ch = out.openTemp()) {
      ch.write(ByteBuffer.wrap(content));
      ch.force(true);
    }

    Thread.currentThread().interrupt();
    try {
      out.publish();
    } finally {
      assertThat(Thread.interrupted()).as("interrupt status kept").isTrue();
    }

    assertThat(target).hasBinaryContent(content);
  }

  /** Counts the bytes read from any LTX file and calls {@code trigger} past the threshold. */
  private static final class InterruptingClient extends ForwardingReplicaClient {
    private final String type;
    private final AtomicLong read;
    private final Runnable trigger;

    InterruptingClient(ReplicaClient delegate, String type, AtomicLong read, Runnable trigger) {
      super(delegate);
      this.type = type;
      this.read = read;
      this.trigger = trigger;
    }

    @Override
    public String type() {
      return type;
    }

    @Override
    public InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
        throws IOException {
      return new FilterInputStream(delegate.openLtxFile(level, minTxid, maxTxid, offset, length)) {
        @Override
        public int read() throws IOException {
          int b = super.read();
          count(b < 0 ? 0 : 1);
          return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, len);
          count(Math.max(n, 0));
          return n;
        }

        private void count(int n) {
          if (read.addAndGet(n) > INTERRUPT_AFTER_BYTES) {
            trigger.run();
          }
        }
      };
    }
  }
}
