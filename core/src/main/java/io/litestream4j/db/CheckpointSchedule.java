package io.litestream4j.db;

import io.litestream4j.config.DbOptions;
import java.util.Optional;

/**
 * Which checkpoint {@link Database} runs of its own after a sync, as Litestream decides it — a pure
 * function of the WAL's size and the time since the last checkpoint, so every rule is testable
 * without SQLite:
 *
 * <ul>
 *   <li>the emergency TRUNCATE once the WAL holds {@link DbOptions#truncatePageCount()} frames (0
 *       turns it off);
 *   <li>else a PASSIVE one once it holds {@link DbOptions#minCheckpointPageCount()} frames;
 *   <li>else a PASSIVE one every {@link DbOptions#checkpointInterval()} (0 turns it off), when
 *       something was synced since the last checkpoint and the WAL holds more than one frame.
 * </ul>
 */
final class CheckpointSchedule {
  private CheckpointSchedule() {}

  /**
   * @param frames the frames of the current WAL generation that have been synced
   * @param syncedSinceCheckpoint whether a file was written since the last checkpoint
   * @param millisSinceCheckpoint milliseconds since the last checkpoint began
   * @return the checkpoint to run now, if any
   */
  static Optional<CheckpointMode> due(
      DbOptions options, long frames, boolean syncedSinceCheckpoint, long millisSinceCheckpoint) {
    if (options.truncatePageCount() > 0 && frames >= options.truncatePageCount()) {
      return Optional.of(CheckpointMode.TRUNCATE);
    }
    if (frames >= options.minCheckpointPageCount()) {
      return Optional.of(CheckpointMode.PASSIVE);
    }
    if (!options.checkpointInterval().isZero()
        && syncedSinceCheckpoint
        && frames > 1
        && millisSinceCheckpoint >= options.checkpointInterval().toMillis()) {
      return Optional.of(CheckpointMode.PASSIVE);
    }
    return Optional.empty();
  }
}
