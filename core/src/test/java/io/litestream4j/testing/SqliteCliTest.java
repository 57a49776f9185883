package io.litestream4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteCliTest {
  @TempDir Path dir;

  @Test
  void runsScriptAgainstDatabaseFileAndReturnsStdout() {
    Path db = dir.resolve("a.db");
    SqliteCli cli = SqliteCli.create();
    cli.run(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1), ('two');");

    assertThat(cli.run(db, "SELECT x, typeof(x) FROM t ORDER BY rowid;"))
        .isEqualTo("1|integer\ntwo|text\n");
    DbCompare.assertIntegrity(db);
  }

  @Test
  void failingStatementFailsWithStderrAndScriptInMessage() {
    assertThatThrownBy(
            () -> SqliteCli.create().run("SELECT 1;\nSELECT * FROM missing_table;\nSELECT 2;"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("exited with 1")
        .hasMessageContaining("no such table: missing_table")
        .hasMessageContaining("--- script ---");
  }

  @Test
  void executeReportsExitCodeWithoutFailing() {
    SqliteCli.Result result = SqliteCli.create().execute(List.of(), "SELECT * FROM nope;");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains("no such table: nope");
  }

  @Test
  void hangingProcessIsKilledAtTimeout() {
    SqliteCli cli = SqliteCli.create().withTimeout(Duration.ofMillis(300));

    assertThatThrownBy(() -> cli.run(".shell sleep 30\nSELECT 1;"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("did not finish within 300 ms");
  }

  @Test
  void passesEnvironment() {
    String out =
        SqliteCli.create()
            .withEnv("LITESTREAM4J_PROBE", "hello")
            .run(".shell echo $LITESTREAM4J_PROBE");

    assertThat(out).isEqualTo("hello\n");
  }
}
