package io.litestream4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FanOutTest {
  @Test
  void resultsComeInItemOrderFromNamedThreadsBoundedByTheParallelism() throws Exception {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<Integer> items = IntStream.range(0, 50).boxed().toList();
    List<Integer> out =
        FanOut.map(
            items,
            3,
            "test-fan-",
            i -> {
              threads.add(Thread.currentThread().getName());
              return i * 2;
            });
    assertThat(out).isEqualTo(items.stream().map(i -> i * 2).toList());
    assertThat(threads)
        .isNotEmpty()
        .hasSizeLessThanOrEqualTo(3)
        .allMatch(n -> n.startsWith("test-fan-"));
  }

  @Test
  void theFirstFailureIsThrownAsItIsAndTheOtherTasksAreInterrupted() throws Exception {
    CountDownLatch slowStarted = new CountDownLatch(1);
    AtomicBoolean slowInterrupted = new AtomicBoolean();
    assertThatThrownBy(
            () ->
                FanOut.map(
                    List.of(0, 1),
                    2,
                    "test-fail-",
                    i -> {
                      if (i == 1) {
                        slowStarted.countDown();
                        try {
                          Thread.sleep(TimeUnit.MINUTES.toMillis(5));
                        } catch (InterruptedException e) {
                          slowInterrupted.set(true);
                        }
                        return 1;
                      }
                      try {
                        assertThat(slowStarted.await(30, TimeUnit.SECONDS)).isTrue();
                      } catch (InterruptedException e) {
                        throw new IOException(e);
                      }
                      throw new IOException("download of item 0 failed");
                    }))
        .isInstanceOf(IOException.class)
        .hasMessage("download of item 0 failed");
    assertThat(slowInterrupted).as("the other task was cancelled before map returned").isTrue();
  }

  @Test
  void oneItemOrParallelismOneRunsOnTheCallersThread() throws Exception {
    String caller = Thread.currentThread().getName();
    assertThat(FanOut.map(List.of(1, 2), 1, "unused-", i -> Thread.currentThread().getName()))
        .containsOnly(caller);
  }
}
