package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code version}, {@code restore}, {@code ltx} and {@code ltx-file} build their picocli model
 * without annotations ({@link CommandOptions}) so that start-up generates no annotation proxies;
 * their flags, defaults and help must stay Litestream's.
 */
class ProgrammaticModelTest {
  /** The boolean options of {@code restore}. */
  private static final List<String> RESTORE_FLAGS =
      List.of(
          "-no-expand-env",
          "-if-db-not-exists",
          "-if-replica-exists",
          "-dry-run",
          "-force",
          "-json",
          "-f");

  private static final List<String> RESTORE_OPTIONS =
      List.of(
          "-config",
          "-no-expand-env",
          "-o",
          "-txid",
          "-timestamp",
          "-parallelism",
          "-if-db-not-exists",
          "-if-replica-exists",
          "-dry-run",
          "-force",
          "-json",
          "-integrity-check",
          "-f",
          "-follow-interval",
          "-h",
          "-help");

  @Test
  void restoreDeclaresExactlyItsFlagsAndHelpListsEachOne() {
    CommandSpec spec = parsed("restore", "x").getCommandSpec();
    assertThat(spec.optionsMap().keySet()).containsExactlyInAnyOrderElementsOf(RESTORE_OPTIONS);
    String usage = parsed("restore", "x").getUsageMessage();
    for (String name : RESTORE_OPTIONS) {
      assertThat(usage).as(name).containsPattern("(^|[ ,\\[])" + name + "([=, \\]]|$)");
    }
    assertThat(usage).contains("[DB_PATH|REPLICA_URL...]", "(default: 8)", "(default: none)");
  }

  @Test
  void restoreDefaultsAreLitestreams() {
    CommandSpec spec = parsed("restore", "file:///r").getCommandSpec();
    assertThat(value(spec, "-parallelism")).isEqualTo(8);
    assertThat(value(spec, "-integrity-check")).isEqualTo("none");
    for (String name : List.of("-o", "-txid", "-timestamp", "-follow-interval", "-config")) {
      assertThat(value(spec, name)).as(name).isNull();
    }
    for (String name : RESTORE_FLAGS) {
      assertThat(value(spec, name)).as(name).isNotEqualTo(true);
    }
    assertThat(spec.positionalParameters().getFirst().<List<String>>getValue())
        .containsExactly("file:///r");
  }

  @Test
  void everyRestoreOptionParsesToItsValueInBothSpellings() {
    // Flags.normalize leaves a one-letter --x alone, as before: -o and -f keep one dash.
    for (String dash : List.of("-", "--")) {
      CommandSpec spec =
          parsed(
                  "restore",
                  dash + "config",
                  "/etc/l.yml",
                  dash + "no-expand-env",
                  "-o",
                  "/tmp/out.db",
                  dash + "txid",
                  "000000000000002a",
                  dash + "timestamp=2026-01-02T15:04:05Z",
                  dash + "parallelism",
                  "3",
                  dash + "if-db-not-exists",
                  dash + "if-replica-exists",
                  dash + "dry-run",
                  dash + "force",
                  dash + "json",
                  dash + "integrity-check",
                  "quick",
                  "-f",
                  dash + "follow-interval",
                  "250ms",
                  "s3://bucket/app")
              .getCommandSpec();
      assertThat(value(spec, "-config")).isEqualTo(Path.of("/etc/l.yml"));
      assertThat(value(spec, "-o")).isEqualTo(Path.of("/tmp/out.db"));
      assertThat(value(spec, "-txid")).isEqualTo("000000000000002a");
      assertThat(value(spec, "-timestamp")).isEqualTo("2026-01-02T15:04:05Z");
      assertThat(value(spec, "-parallelism")).isEqualTo(3);
      assertThat(value(spec, "-integrity-check")).isEqualTo("quick");
      assertThat(value(spec, "-follow-interval")).isEqualTo("250ms");
      for (String name : RESTORE_FLAGS) {
        assertThat(value(spec, name)).as(dash + name).isEqualTo(true);
      }
      assertThat(spec.positionalParameters().getFirst().<List<String>>getValue())
          .containsExactly("s3://bucket/app");
      RestoreCommand restore = (RestoreCommand) spec.userObject();
      assertThat(restore.sharedFlags()).singleElement().isInstanceOf(ConfigFlags.class);
      assertThat(((ConfigFlags) restore.sharedFlags().getFirst()).given()).isTrue();
    }
  }

  @Test
  void restoreRejectsABadValueAsAUsageError() {
    CliRun r = CliRun.of("restore", "-parallelism", "many", "file:///r");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("Error: ", "-parallelism", "many", "Try: litestream4j restore -h");
  }

  @Test
  void ltxAndItsDeprecatedAliasKeepTheirFlags() {
    for (String name : List.of("ltx", "wal")) {
      CommandSpec defaults = parsed(name, "file:///r").getCommandSpec();
      assertThat(defaults.optionsMap().keySet())
          .containsExactlyInAnyOrder("-config", "-no-expand-env", "-json", "-level", "-h", "-help");
      assertThat(value(defaults, "-level")).isEqualTo("0");
      assertThat(value(defaults, "-json")).isNotEqualTo(true);
      CommandSpec given =
          parsed(name, "--level", "all", "-json", "-config", "/etc/l.yml", "/data/app.db")
              .getCommandSpec();
      assertThat(value(given, "-level")).isEqualTo("all");
      assertThat(value(given, "-json")).isEqualTo(true);
      assertThat(value(given, "-config")).isEqualTo(Path.of("/etc/l.yml"));
      assertThat(given.positionalParameters().getFirst().<List<String>>getValue())
          .containsExactly("/data/app.db");
    }
    assertThat(Main.newCommandLine().getSubcommands().get("wal").getCommandSpec().usageMessage())
        .matches(m -> m.hidden());
    CliRun help = CliRun.of("ltx", "-h");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out())
        .contains(
            "Usage: litestream4j ltx [-h] [-json] [-no-expand-env] [-config=PATH]",
            "[-level=LEVEL] [DB_PATH|REPLICA_URL...]",
            "(default: 0)",
            "Print JSON instead of a table.");
  }

  @Test
  void versionHasVerboseAndHelp() {
    CommandSpec spec = parsed("version", "-verbose").getCommandSpec();
    assertThat(spec.optionsMap().keySet()).containsExactlyInAnyOrder("-verbose", "-h", "-help");
    assertThat(value(spec, "-verbose")).isEqualTo(true);
    CliRun help = CliRun.of("version", "-help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out())
        .contains(
            "Usage: litestream4j version [-h] [-verbose]",
            "Prints the version.",
            "-verbose",
            "litestream4j version -verbose");
  }

  /**
   * Building and parsing the model of {@code version}, {@code restore}, {@code ltx} or {@code
   * ltx-file} in a fresh JVM generates no dynamic proxy class (the trace of reading an annotation);
   * an annotated command does, which shows the probe would notice.
   */
  @Test
  void buildingTheTimedCommandsReadsNoAnnotation() throws Exception {
    assertThat(proxyClassesLoaded("version", "-verbose")).isEmpty();
    assertThat(proxyClassesLoaded("restore", "-o", "/tmp/out.db", "file:///tmp/replica")).isEmpty();
    assertThat(proxyClassesLoaded("restore", "--config", "/etc/l.yml", "-json", "/data/app.db"))
        .isEmpty();
    assertThat(proxyClassesLoaded("ltx", "-level", "all", "-json", "file:///tmp/replica"))
        .isEmpty();
    assertThat(proxyClassesLoaded("ltx-file", "dump", "-json", "/tmp/x.ltx")).isEmpty();
    assertThat(
            proxyClassesLoaded("ltx-file", "apply", "-o", "/tmp/x.db", "/tmp/1.ltx", "/tmp/2.ltx"))
        .isEmpty();
    assertThat(proxyClassesLoaded("replicate", "-once", "/data/app.db", "file:///tmp/replica"))
        .isNotEmpty();
  }

  private static CommandLine parsed(String... args) {
    String[] normalized = Flags.normalize(args);
    CommandLine cli = Main.newCommandLine(normalized);
    cli.parseArgs(normalized);
    return cli.getSubcommands().get(args[0]);
  }

  private static Object value(CommandSpec spec, String name) {
    OptionSpec option = spec.findOption(name);
    assertThat(option).as(name).isNotNull();
    return option.getValue();
  }

  /** The dynamic proxy classes a fresh JVM loads while {@link ModelProbe} handles {@code args}. */
  private static List<String> proxyClassesLoaded(String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xshare:auto");
    // Logback reading its test configuration generates proxies of its own; without a logging
    // backend only building the model is watched.
    cmd.add("-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider");
    cmd.add("-Xlog:class+load=info:stdout");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ModelProbe.class.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(log).isZero();
    assertThat(log).contains("io.litestream4j.cli.ModelProbe");
    return log.lines().filter(l -> l.contains("__dynamic_proxy__")).toList();
  }
}
