package io.litestream4j.replica.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.replica.LeaseLostException;
import io.litestream4j.testing.Await;
import io.litestream4j.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A replica server that is down for longer than the lease's lifetime (30 s by default) must hold
 * replication back, not end it: seen against a real S3 server killed for 45 s, after which the
 * daemon exited (or, with {@code -exec}, hung with the database stopped). The lease lapses — writes
 * are fenced — and comes back once a renewal conditional on our own version succeeds; a replicator
 * that took it over meanwhile makes that renewal fail, and then it is lost for good.
 */
class LeaseKeeperTest {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration RENEW = Duration.ofMillis(50);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-08T00:00:00Z"));
  private final InMemoryLeaseStore store = new InMemoryLeaseStore();
  private final List<LeaseLostException> lost = new CopyOnWriteArrayList<>();

  @Test
  void anOutageLongerThanTheLeaseLapsesItAndItComesBackWhenNobodyTookItOver() throws Exception {
    try (LeaseKeeper keeper =
        LeaseKeeper.start(new Leaser(store, "us:1", TTL, clock), clock, RENEW, lost::add)) {
      assertThat(keeper.held()).isTrue();

      store.unreachable(true);
      clock.advance(TTL.plusSeconds(5));
      int before = store.refused();
      Await.until(() -> store.refused() > before + 2, Duration.ofSeconds(30), "renewal attempts");
      assertThat(keeper.held()).as("lapsed: writes are fenced").isFalse();
      assertThatThrownBy(() -> keeper.checkHeld("upload"))
          .isInstanceOf(LeaseLostException.class)
          .hasMessageContaining("lapsed")
          .hasMessageContaining("writing resumes once it is");
      assertThat(lost).as("a lapse is not a loss").isEmpty();

      store.unreachable(false);
      Await.until(keeper::held, Duration.ofSeconds(30), "the lease renewed after the outage");
      keeper.checkHeld("upload");
      assertThat(lost).isEmpty();
      assertThat(LeaseRecord.parse(store.peek().orElseThrow().data(), "t").owner())
          .isEqualTo("us:1");
    }
  }

  @Test
  void aTakeoverDuringTheOutageIsALossForGood() throws Exception {
    try (LeaseKeeper keeper =
        LeaseKeeper.start(new Leaser(store, "us:1", TTL, clock), clock, RENEW, lost::add)) {
      store.unreachable(true);
      clock.advance(TTL.plusSeconds(5));
      // Another replicator, which can reach the server, takes the expired lease over.
      store.force(new LeaseRecord(2, clock.instant().plus(TTL), "other:2").toJson());
      store.unreachable(false);
      Await.until(() -> !lost.isEmpty(), Duration.ofSeconds(30), "the loss reported");
      assertThat(lost.getFirst()).hasMessageContaining("it is now held by other:2");
      assertThat(keeper.held()).isFalse();
      assertThat(LeaseRecord.parse(store.peek().orElseThrow().data(), "t").owner())
          .as("the new holder's lease is untouched")
          .isEqualTo("other:2");
    }
  }

  /**
   * A renewal that succeeds only after the client retried for most of the lease's lifetime wrote an
   * expiry counted from when it started: the next renewal comes well before that, not a whole renew
   * interval later (the tour saw the lease lapse again 6 s after it came back).
   */
  @Test
  void aRenewalThatTookLongIsFollowedSoonByAnother() throws Exception {
    Duration renew = Duration.ofSeconds(5);
    try (LeaseKeeper keeper =
        LeaseKeeper.start(new Leaser(store, "us:1", TTL, clock), clock, renew, lost::add)) {
      store.beforeReplace(() -> clock.advance(TTL.minusSeconds(3))); // retried for 27 s
      Await.until(() -> store.replaced() >= 1, Duration.ofSeconds(30), "the slow renewal");
      store.beforeReplace(() -> {});
      long start = System.nanoTime();
      Await.until(() -> store.replaced() >= 2, Duration.ofSeconds(30), "the next renewal");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("time to the next renewal, 3 s of lease left")
          .isLessThan(Duration.ofSeconds(3));
      assertThat(keeper.held()).isTrue();
      assertThat(lost).isEmpty();
    }
  }
}
