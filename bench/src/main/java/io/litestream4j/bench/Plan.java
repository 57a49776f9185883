package io.litestream4j.bench;

import java.time.Duration;
import java.util.List;

/**
 * How much of each benchmark one run does. {@link #QUICK} is a smoke run that must finish in under
 * three minutes on two shared cores; {@link #FULL} adds the large sizes (2 GB stall test, 1 GB
 * restore, 1000 idle databases) and longer windows. Every figure is repeated {@code *Rounds} times
 * so that results can be reported as min / median / max.
 *
 * @param lagRate commits per second of the P1 writer
 * @param stallRate commits per second of the P3 writer
 */
record Plan(
    String name,
    int lagRounds,
    Duration lagWarmup,
    Duration lagWindow,
    int lagRate,
    int throughputRounds,
    Duration throughputWindow,
    List<Integer> stallSizesMb,
    int stallRounds,
    Duration stallWindow,
    int stallRate,
    int syncRounds,
    int syncWalMb,
    List<Integer> restoreSizesMb,
    int restoreRounds,
    List<Integer> idleCounts,
    List<Integer> idlePeerCounts,
    Duration idleWindow,
    int startupRuns) {

  static final Plan QUICK =
      new Plan(
          "quick",
          2,
          Duration.ofSeconds(1),
          Duration.ofSeconds(4),
          100,
          3,
          Duration.ofSeconds(1),
          List.of(100),
          2,
          Duration.ofSeconds(4),
          200,
          3,
          32,
          List.of(10, 100),
          5,
          List.of(1, 100, 200),
          List.of(1, 100),
          Duration.ofSeconds(20),
          6);

  static final Plan FULL =
      new Plan(
          "full",
          5,
          Duration.ofSeconds(2),
          Duration.ofSeconds(30),
          100,
          5,
          Duration.ofSeconds(3),
          List.of(100, 2048),
          3,
          Duration.ofSeconds(30),
          200,
          5,
          128,
          List.of(10, 100, 1024),
          5,
          List.of(1, 100, 1000),
          List.of(1, 100, 1000),
          Duration.ofMinutes(2),
          20);
}
