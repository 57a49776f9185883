package io.litestream4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.replica.LeaseLostException;
import io.litestream4j.replica.ReplicaLease;
import io.litestream4j.replica.lease.LeaseStore;
import io.litestream4j.replica.lease.LeaseTiming;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClientLifecycleTest {
  private static final LeaseTiming TIMING =
      new LeaseTiming(Duration.ofSeconds(30), Duration.ofSeconds(10));

  private final List<String> events = new CopyOnWriteArrayList<>();
  private final AtomicInteger opened = new AtomicInteger();

  private ClientLifecycle<String> lifecycle() {
    return new ClientLifecycle<>(
        "test",
        "test://bucket/db",
        () -> "client-" + opened.incrementAndGet(),
        c -> events.add("closed " + c));
  }

  @Test
  void theClientIsOpenedOnFirstUseOnceAndAFailedOpenIsTriedAgain() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    var lifecycle =
        new ClientLifecycle<String>(
            "test",
            "test://bucket/db",
            () -> {
              if (attempts.incrementAndGet() == 1) {
                throw new IOException("endpoint unreachable");
              }
              return "client";
            },
            c -> {});
    assertThat(attempts).hasValue(0);
    assertThatThrownBy(lifecycle::client).hasMessage("endpoint unreachable");
    assertThat(lifecycle.isOpen()).isFalse();
    assertThat(lifecycle.client()).isEqualTo("client");
    assertThat(lifecycle.isOpen()).isTrue();
    assertThat(lifecycle.client()).isEqualTo("client");
    assertThat(attempts).hasValue(2);
  }

  @Test
  void afterCloseRequestsAndLeasesFailAndCloseRunsOnce() throws Exception {
    var lifecycle = lifecycle();
    lifecycle.client();
    lifecycle.close();
    lifecycle.close();
    assertThat(lifecycle.isOpen()).isFalse();
    assertThat(events).containsExactly("closed client-1");
    assertThatThrownBy(lifecycle::client)
        .isInstanceOf(IOException.class)
        .hasMessage("test replica test://bucket/db is closed");
    assertThatThrownBy(
            () ->
                lifecycle.acquireLease(
                    true, c -> new RecordingStore(), "me", TIMING, Clock.systemUTC(), e -> {}))
        .hasMessage("test replica test://bucket/db is closed");
    assertThat(opened).hasValue(1);
  }

  @Test
  void aClientNeverOpenedIsNotClosed() throws Exception {
    var lifecycle = lifecycle();
    lifecycle.close();
    assertThat(events).isEmpty();
    assertThat(opened).hasValue(0);
  }

  @Test
  void closeReleasesTheLeaseBeforeTheClientAndWritesAreFencedAfterwards() throws Exception {
    var lifecycle = lifecycle();
    var store = new RecordingStore();
    lifecycle.checkLease("write before any lease");
    ReplicaLease lease =
        lifecycle.acquireLease(true, c -> store, "me", TIMING, Clock.systemUTC(), e -> {});
    assertThat(lease.held()).isTrue();
    assertThat(lifecycle.leaseHeld()).isTrue();
    assertThatThrownBy(
            () ->
                lifecycle.acquireLease(true, c -> store, "me", TIMING, Clock.systemUTC(), e -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already holds the lease of test://bucket/db");

    lifecycle.close();

    assertThat(events).containsExactly("lease deleted", "closed client-1");
    assertThat(lifecycle.leaseHeld()).isFalse();
    assertThatThrownBy(() -> lifecycle.checkLease("write after close"))
        .isInstanceOf(LeaseLostException.class);
  }

  @Test
  void theClientIsClosedEvenWhenReleasingTheLeaseFails() throws Exception {
    var lifecycle = lifecycle();
    var store = new RecordingStore();
    lifecycle.acquireLease(true, c -> store, "me", TIMING, Clock.systemUTC(), e -> {});
    store.failDelete = true;
    try {
      lifecycle.close();
    } catch (IOException expected) {
      // a failed release may or may not be reported; the client must be closed either way
    }
    assertThat(events).contains("closed client-1");
  }

  @Test
  void aLeaseTurnedOffIsNoneAndOpensNothing() throws Exception {
    var lifecycle = lifecycle();
    ReplicaLease lease =
        lifecycle.acquireLease(
            false, c -> new RecordingStore(), "me", TIMING, Clock.systemUTC(), e -> {});
    assertThat(lease).isSameAs(ReplicaLease.none());
    assertThat(lifecycle.isOpen()).isFalse();
    assertThat(lifecycle.leaseHeld()).isFalse();
  }

  @Test
  void deletingEverythingSparesTheLeaseRecordOnlyWhileTheLeaseIsHeld() throws Exception {
    var lifecycle = lifecycle();
    List<String> objects = List.of("db/0000/a.ltx", "db/lock.json", "db/0001/b.ltx");
    List<String> deleted = new CopyOnWriteArrayList<>();
    lifecycle.deleteAll("db/", "db/lock.json", (c, prefix) -> objects, (c, k) -> deleted.add(k));
    assertThat(deleted).containsExactlyElementsOf(objects);

    deleted.clear();
    lifecycle.acquireLease(
        true, c -> new RecordingStore(), "me", TIMING, Clock.systemUTC(), e -> {});
    lifecycle.deleteAll("db/", "db/lock.json", (c, prefix) -> objects, (c, k) -> deleted.add(k));
    assertThat(deleted).containsExactly("db/0000/a.ltx", "db/0001/b.ltx");
    lifecycle.close();
  }

  /** A single lease object that records its deletion in {@link #events}. */
  private final class RecordingStore implements LeaseStore {
    private Versioned current;
    private int version;
    volatile boolean failDelete;

    @Override
    public String location() {
      return "test://bucket/db/lock.json";
    }

    @Override
    public synchronized Optional<Versioned> read() {
      return Optional.ofNullable(current);
    }

    @Override
    public synchronized String create(byte[] data) throws IOException {
      if (current != null) {
        throw new PreconditionFailedException("exists", null);
      }
      current = new Versioned(data.clone(), "v" + ++version);
      return current.etag();
    }

    @Override
    public synchronized String replace(byte[] data, String etag) throws IOException {
      if (current == null || !current.etag().equals(etag)) {
        throw new PreconditionFailedException("changed", null);
      }
      current = new Versioned(data.clone(), "v" + ++version);
      return current.etag();
    }

    @Override
    public synchronized boolean delete(String etag) throws IOException {
      if (failDelete) {
        throw new IOException("store unreachable");
      }
      current = null;
      events.add("lease deleted");
      return true;
    }
  }
}
