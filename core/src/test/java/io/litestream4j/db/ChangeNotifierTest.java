package io.litestream4j.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A subscriber with a quiet period hears about a burst of writes a few times, not once per write.
 */
class ChangeNotifierTest {
  @TempDir Path dir;

  @Test
  void aQuietPeriodCoalescesABurstAndStillReportsLaterChanges() throws Exception {
    Path wal = dir.resolve("app.db-wal");
    Files.write(wal, new byte[0]);
    AtomicInteger calls = new AtomicInteger();
    try (ChangeNotifier notifier = new ChangeNotifier()) {
      notifier.watch(wal, Duration.ofSeconds(2), calls::incrementAndGet);
      for (int i = 0; i < 500; i++) {
        Files.write(wal, new byte[64], StandardOpenOption.APPEND);
      }
      Await.until(() -> calls.get() >= 1, Duration.ofSeconds(20), "a notification of the burst");
      // 500 writes within the first quiet period: one event, then the re-arm notification.
      Await.until(() -> calls.get() >= 2, Duration.ofSeconds(20), "the notification on re-arming");
      assertThat(calls.get()).as("notifications for 500 writes").isLessThanOrEqualTo(20);
      int before = calls.get();
      Files.write(wal, new byte[64], StandardOpenOption.APPEND);
      Await.until(
          () -> calls.get() > before, Duration.ofSeconds(20), "a notification of a later write");
    }
  }
}
