package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link Main} builds only the model of the command being run; help, completion and errors must not
 * notice.
 */
class MainDispatchTest {

  @Test
  void theTableNamesExactlyTheSubcommandsOfTheFullTree() {
    Set<String> full = new HashSet<>(Main.newCommandLine().getSubcommands().keySet());
    full.remove("help");
    assertThat(CommandTable.names()).containsExactlyInAnyOrderElementsOf(full);
    for (String name : CommandTable.names()) {
      CommandLine one = Main.newCommandLine(new String[] {name});
      assertThat(one.getSubcommands().keySet()).containsExactly(name);
      assertThat(one.getSubcommands().get(name).getCommandSpec().name()).isEqualTo(name);
      assertThat(one.getSubcommands().get(name).getCommandSpec().userObject().getClass())
          .isEqualTo(
              Main.newCommandLine()
                  .getSubcommands()
                  .get(name)
                  .getCommandSpec()
                  .userObject()
                  .getClass());
    }
  }

  @Test
  void aSubcommandsHelpIsTheSameAsFromTheFullTree() {
    for (String name : CommandTable.names()) {
      assertThat(usage(Main.newCommandLine(new String[] {name}).getSubcommands().get(name)))
          .as(name)
          .isEqualTo(usage(Main.newCommandLine().getSubcommands().get(name)));
    }
    CliRun r = CliRun.of("restore", "-h");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains(
            "Usage: litestream4j restore",
            "Examples:",
            "Replica URLs (backends in this build):",
            "file:///var/backups/app");
  }

  @Test
  void topLevelHelpAndTheHelpCommandListEveryCommand() {
    CliRun top = CliRun.of("-h");
    assertThat(top.exitCode()).as(top.toString()).isZero();
    assertThat(top.out()).contains("restore", "replicate", "ltx-file", "version", "Examples:");
    CliRun help = CliRun.of("help", "restore");
    assertThat(help.exitCode()).as(help.toString()).isZero();
    assertThat(help.out()).contains("Usage: litestream4j restore", "-integrity-check");
  }

  /** Examples are copied into shells: picocli must not break one inside a URL or a path. */
  /**
   * Flags are Go-style words: a flag a command does not have is named as unknown, not split into
   * one-letter flags ({@code restore -endpoint x} said "option '-o' should be specified only
   * once").
   */
  @Test
  void anUnknownFlagIsNamedNotSplitIntoLetters() {
    CliRun r =
        CliRun.of("restore", "-endpoint", "http://127.0.0.1:9000", "-o", "/tmp/x.db", "s3://b/p");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.err()).contains("-endpoint").doesNotContain("should be specified only once");
  }

  @Test
  void helpExamplesFitEightyColumnsSoNoneIsBrokenInTheMiddle() {
    for (String[] args :
        new String[][] {{"-h"}, {"replicate", "-h"}, {"restore", "-h"}, {"ltx", "-h"}}) {
      CliRun r = CliRun.of((Object[]) args);
      String out = r.out();
      String examples = out.substring(out.indexOf("Examples:"));
      for (String line : examples.lines().toList()) {
        assertThat(line.length())
            .as("%s: %s", String.join(" ", args), line)
            .isLessThanOrEqualTo(80);
        assertThat(line).as("%s: a wrapped line", String.join(" ", args)).doesNotStartWith("/");
      }
    }
  }

  @Test
  void unknownCommandsAndBadFlagsAreUsageErrors() {
    CliRun unknown = CliRun.of("restor", "x");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err())
        .contains("litestream4j restor: unknown command", "restore", "Try: litestream4j -h");
    CliRun badFlag = CliRun.of("restore", "-no-such-flag", "x");
    assertThat(badFlag.exitCode()).isEqualTo(1);
    assertThat(badFlag.err()).contains("Error: ", "-no-such-flag", "Try: litestream4j restore -h");
    CliRun longFlag = CliRun.of("version", "--verbose");
    assertThat(longFlag.exitCode()).as(longFlag.toString()).isZero();
    assertThat(longFlag.out()).startsWith("Version: v").contains("Git Commit:", "OS/Arch: linux/");
  }

  private static String usage(CommandLine cmd) {
    StringWriter w = new StringWriter();
    cmd.usage(new PrintWriter(w, true));
    return w.toString();
  }
}
