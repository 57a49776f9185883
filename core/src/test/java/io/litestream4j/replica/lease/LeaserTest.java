package io.litestream4j.replica.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.replica.LeaseHeldException;
import io.litestream4j.replica.LeaseLostException;
import io.litestream4j.testing.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The lease protocol against an atomic store: ownership, expiry, takeover, loss and races. */
class LeaserTest {

  private static final Duration TTL = Duration.ofSeconds(30);
  private final ManualClock clock =
      new ManualClock(Instant.parse("2025-03-04T05:06:07.123456789Z"));
  private final InMemoryLeaseStore store = new InMemoryLeaseStore();

  private Leaser leaser(String owner) {
    return new Leaser(store, owner, TTL, clock);
  }

  private LeaseRecord stored() throws IOException {
    return LeaseRecord.parse(store.peek().orElseThrow().data(), "test");
  }

  @Test
  void acquireWritesLitestreamsLeaseJson() throws IOException {
    Leaser.Held held = leaser("host-a:11").acquire();
    assertThat(held.record()).isEqualTo(new LeaseRecord(1, clock.instant().plus(TTL), "host-a:11"));
    assertThat(new String(store.peek().orElseThrow().data(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"generation\":1,\"expires_at\":\"2025-03-04T05:06:37.123456789Z\",\"owner\":\"host-a:11\"}");
  }

  @Test
  void aLiveLeaseRefusesOthersNamingHolderAndExpiry() throws IOException {
    leaser("host-a:11").acquire();
    clock.advance(Duration.ofSeconds(29));
    assertThatThrownBy(() -> leaser("host-b:22").acquire())
        .isInstanceOf(LeaseHeldException.class)
        .hasMessageContaining("host-a:11")
        .hasMessageContaining("2025-03-04T05:06:37.123456789Z")
        .hasMessageContaining("lease: false")
        .satisfies(e -> assertThat(((LeaseHeldException) e).owner()).isEqualTo("host-a:11"));
  }

  @Test
  void anExpiredLeaseIsTakenOverWithTheNextGeneration() throws IOException {
    leaser("host-a:11").acquire();
    clock.advance(TTL.plusMillis(1));
    Leaser.Held b = leaser("host-b:22").acquire();
    assertThat(b.record().generation()).isEqualTo(2);
    assertThat(stored().owner()).isEqualTo("host-b:22");
  }

  @Test
  void renewExtendsAndKeepsTheGeneration() throws IOException {
    Leaser a = leaser("host-a:11");
    Leaser.Held held = a.acquire();
    clock.advance(Duration.ofSeconds(10));
    Leaser.Held renewed = a.renew(held);
    assertThat(renewed.record())
        .isEqualTo(new LeaseRecord(1, clock.instant().plus(TTL), "host-a:11"));
    assertThat(stored()).isEqualTo(renewed.record());
    assertThat(renewed.etag()).isNotEqualTo(held.etag());
  }

  @Test
  void renewAfterATakeoverReportsTheLossAndTheNewHolder() throws IOException {
    Leaser a = leaser("host-a:11");
    Leaser.Held held = a.acquire();
    clock.advance(TTL.plusSeconds(1)); // a was paused (GC, suspended VM) past its expiry
    leaser("host-b:22").acquire();
    assertThatThrownBy(() -> a.renew(held))
        .isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("host-b:22")
        .hasMessageContaining("generation 2");
    assertThat(stored().owner()).isEqualTo("host-b:22");
  }

  @Test
  void renewAfterTheLockWasDeletedIsALoss() throws IOException {
    Leaser a = leaser("host-a:11");
    Leaser.Held held = a.acquire();
    store.delete(store.peek().orElseThrow().etag());
    assertThatThrownBy(() -> a.renew(held))
        .isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("deleted");
  }

  @Test
  void releaseDeletesOnlyOurOwnLease() throws IOException {
    Leaser a = leaser("host-a:11");
    Leaser.Held held = a.acquire();
    a.release(held);
    assertThat(store.peek()).isEmpty();
    assertThat(leaser("host-b:22").acquire().record().generation()).isEqualTo(1);

    // a stale holder releasing after a takeover must not remove the new holder's lease
    clock.advance(TTL.plusSeconds(1));
    Leaser.Held c = leaser("host-c:33").acquire();
    a.release(held);
    assertThat(stored()).isEqualTo(c.record());
  }

  @Test
  void withoutConditionalDeletesReleaseExpiresTheLeaseInPlace() throws IOException {
    store.conditionalDelete(false);
    Leaser a = leaser("host-a:11");
    a.release(a.acquire());
    assertThat(stored().expiresAt()).isEqualTo(Instant.EPOCH);
    assertThat(leaser("host-b:22").acquire().record().generation()).isEqualTo(2);
  }

  @Test
  void aWriteThatLandedButWhoseResponseWasLostStillCounts() throws IOException {
    // The SDK retried a PUT whose first attempt succeeded: the retry fails its own condition.
    LeaseStore flaky =
        new LeaseStore() {
          @Override
          public String location() {
            return store.location();
          }

          @Override
          public java.util.Optional<Versioned> read() throws IOException {
            return store.read();
          }

          @Override
          public String create(byte[] data) throws IOException {
            store.create(data);
            throw new PreconditionFailedException("retry saw its own write", null);
          }

          @Override
          public String replace(byte[] data, String etag) throws IOException {
            store.replace(data, etag);
            throw new PreconditionFailedException("retry saw its own write", null);
          }

          @Override
          public boolean delete(String etag) throws IOException {
            return store.delete(etag);
          }
        };
    Leaser a = new Leaser(flaky, "host-a:11", TTL, clock);
    Leaser.Held held = a.acquire();
    assertThat(held.etag()).isEqualTo(store.peek().orElseThrow().etag());
    clock.advance(Duration.ofSeconds(5));
    Leaser.Held renewed = a.renew(held);
    assertThat(renewed.etag()).isEqualTo(store.peek().orElseThrow().etag());
    assertThat(stored()).isEqualTo(renewed.record());
  }

  @Test
  void exactlyOneOfManyConcurrentAcquirersWins() throws Exception {
    for (int round = 0; round < 50; round++) {
      InMemoryLeaseStore shared = new InMemoryLeaseStore();
      if (round % 2 == 1) {
        // half the rounds race for an expired lease (takeover with If-Match) instead of a fresh one
        shared.force(new LeaseRecord(7, clock.instant().minusSeconds(1), "dead:1").toJson());
      }
      int contenders = 8;
      var start = new CountDownLatch(1);
      var winners = new CopyOnWriteArrayList<String>();
      var refusals = new CopyOnWriteArrayList<LeaseHeldException>();
      ExecutorService pool = Executors.newFixedThreadPool(contenders);
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < contenders; i++) {
        String owner = "host-" + i + ":" + (100 + i);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    new Leaser(shared, owner, TTL, clock).acquire();
                    winners.add(owner);
                  } catch (LeaseHeldException e) {
                    refusals.add(e);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
      assertThat(winners).as("round %d", round).hasSize(1);
      assertThat(refusals)
          .hasSize(contenders - 1)
          .allSatisfy(e -> assertThat(e.owner()).isEqualTo(winners.getFirst()));
      LeaseRecord record = LeaseRecord.parse(shared.peek().orElseThrow().data(), "test");
      assertThat(record.owner()).isEqualTo(winners.getFirst());
      assertThat(record.generation()).isEqualTo(round % 2 == 1 ? 8 : 1);
    }
  }

  @Test
  void readsOlderLitestreamLeasesAndRejectsGarbageClearly() throws IOException {
    LeaseRecord old =
        LeaseRecord.parse(
            "{\"token\":4,\"expires_at\":\"2025-01-01T10:00:00+02:00\",\"owner\":\"x:1\"}"
                .getBytes(StandardCharsets.UTF_8),
            "t");
    assertThat(old).isEqualTo(new LeaseRecord(4, Instant.parse("2025-01-01T08:00:00Z"), "x:1"));
    assertThatThrownBy(
            () ->
                LeaseRecord.parse(
                    "not json".getBytes(StandardCharsets.UTF_8), "s3://b/db/lock.json"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("s3://b/db/lock.json")
        .hasMessageContaining("delete it");
    assertThat(
            new String(
                new LeaseRecord(1, Instant.EPOCH, "we\"ird\\host:1").toJson(),
                StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"generation\":1,\"expires_at\":\"1970-01-01T00:00:00Z\",\"owner\":\"we\\\"ird\\\\host:1\"}");
    assertThat(LeaseRecord.currentOwner()).endsWith(":" + ProcessHandle.current().pid());
  }
}
