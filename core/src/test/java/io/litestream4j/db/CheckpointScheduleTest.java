package io.litestream4j.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.DbOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CheckpointScheduleTest {
  private static final DbOptions OPTIONS =
      DbOptions.DEFAULTS
          .withCheckpointInterval(Duration.ofMinutes(1))
          .withMinCheckpointPageCount(1000)
          .withTruncatePageCount(5000);
  private static final long MINUTE = 60_000;

  @Test
  void aWalOfTruncateSizeIsTruncatedAndOneOfMinimumSizeCheckpointedPassively() {
    assertThat(CheckpointSchedule.due(OPTIONS, 5000, false, 0)).contains(CheckpointMode.TRUNCATE);
    assertThat(CheckpointSchedule.due(OPTIONS, 4999, false, 0)).contains(CheckpointMode.PASSIVE);
    assertThat(CheckpointSchedule.due(OPTIONS, 1000, false, 0)).contains(CheckpointMode.PASSIVE);
    assertThat(CheckpointSchedule.due(OPTIONS.withTruncatePageCount(0), 1_000_000, false, 0))
        .as("TRUNCATE turned off")
        .contains(CheckpointMode.PASSIVE);
  }

  @Test
  void aSmallWalIsCheckpointedOnlyWhenTheIntervalPassedAfterSomethingWasSynced() {
    assertThat(CheckpointSchedule.due(OPTIONS, 999, true, MINUTE - 1)).isEmpty();
    assertThat(CheckpointSchedule.due(OPTIONS, 999, true, MINUTE)).contains(CheckpointMode.PASSIVE);
    assertThat(CheckpointSchedule.due(OPTIONS, 999, false, MINUTE)).as("nothing synced").isEmpty();
    assertThat(CheckpointSchedule.due(OPTIONS, 1, true, MINUTE)).as("one frame").isEmpty();
    assertThat(
            CheckpointSchedule.due(
                OPTIONS.withCheckpointInterval(Duration.ZERO), 999, true, 10 * MINUTE))
        .as("interval turned off")
        .isEmpty();
  }
}
