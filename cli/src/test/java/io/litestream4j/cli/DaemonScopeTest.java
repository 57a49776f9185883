package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.server.CommandRunner;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A restore run by the daemon's tools (in-process, {@link InProcessCommands}) never takes the
 * process's SIGTERM handler, so a SIGTERM meant for the daemon still shuts it down gracefully; a
 * restore that owns the process takes it while it runs (to remove its partial copy) and puts the
 * previous one back when it ends.
 */
class DaemonScopeTest {
  @TempDir Path dir;
  private final Signal term = new Signal("TERM");
  private final SignalHandler daemons = sig -> {};
  private SignalHandler original;

  @BeforeEach
  void installTheDaemonsHandler() {
    original = Signal.handle(term, daemons);
  }

  @AfterEach
  void restoreTheOriginalHandler() {
    Signal.handle(term, original);
  }

  @Test
  void aRestoreInsideTheDaemonLeavesTheHandlerAlone() {
    Path out = dir.resolve("out.db");
    DaemonScope.run(
        () -> {
          try (RestoreSignals s = RestoreSignals.install("restore", out)) {
            assertThat(Signal.handle(term, daemons)).as("while restoring").isSameAs(daemons);
          }
          return null;
        });
    assertThat(Signal.handle(term, daemons)).as("afterwards").isSameAs(daemons);
  }

  @Test
  void aRestoreThatOwnsTheProcessTakesTheHandlerWhileItRuns() {
    Path out = dir.resolve("out.db");
    try (RestoreSignals s = RestoreSignals.install("restore", out)) {
      SignalHandler during = Signal.handle(term, daemons);
      assertThat(during).as("while restoring").isNotSameAs(daemons);
      Signal.handle(term, during);
    }
    assertThat(Signal.handle(term, daemons)).as("afterwards").isSameAs(daemons);
  }

  @Test
  void aToolsRestoreEndToEnd() {
    Path db = dir.resolve("app.db");
    SqliteCli.create()
        .run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(x); INSERT INTO t VALUES (1);");
    assertThat(CliRun.of("replicate", "-once", db, dir.resolve("replica").toUri()).exitCode())
        .isZero();
    Path inside = dir.resolve("inside.db");
    CommandRunner.Result r =
        new InProcessCommands()
            .run(
                List.of(
                    "restore", "-o", inside.toString(), dir.resolve("replica").toUri().toString()));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    DbCompare.assertSameContent(db, inside);
    assertThat(Signal.handle(term, daemons)).isSameAs(daemons);
  }
}
