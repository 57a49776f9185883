package io.litestream4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code sqlite3} command-line shell with a script on standard input, so tests can
 * drive SQLite exactly as an operator would and use builds other than the one bundled in
 * sqlite-jdbc. Every run has a timeout; a failure (non-zero exit, timeout) raises an {@link
 * AssertionError} whose message holds the command, script, stdout and stderr. The shell runs with
 * {@code -bail}, so the first failing statement stops the script. Instances are immutable.
 *
 * <p>The executable is {@code sqlite3} from the PATH unless the system property {@code
 * litestream4j.sqlite3} names another.
 */
public final class SqliteCli {
  /** How long a run may take unless {@link #withTimeout} says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private final String executable;
  private final Duration timeout;
  private final Map<String, String> environment;
  private final List<String> environmentRemovals;
  private final Path workingDirectory;

  private SqliteCli(
      String executable,
      Duration timeout,
      Map<String, String> environment,
      List<String> environmentRemovals,
      Path workingDirectory) {
    this.executable = executable;
    this.timeout = timeout;
    this.environment = Map.copyOf(environment);
    this.environmentRemovals = List.copyOf(environmentRemovals);
    this.workingDirectory = workingDirectory;
  }

  /** The default shell: {@code sqlite3} (or {@code -Dlitestream4j.sqlite3}), 60 s timeout. */
  public static SqliteCli create() {
    return new SqliteCli(
        System.getProperty("litestream4j.sqlite3", "sqlite3"),
        DEFAULT_TIMEOUT,
        Map.of(),
        List.of(),
        null);
  }

  public SqliteCli withTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    return new SqliteCli(executable, timeout, environment, environmentRemovals, workingDirectory);
  }

  /** Adds an environment variable for the process. */
  public SqliteCli withEnv(String name, String value) {
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return new SqliteCli(executable, timeout, env, environmentRemovals, workingDirectory);
  }

  /** Removes inherited environment variables whose names start with {@code prefix}. */
  public SqliteCli withoutEnvPrefix(String prefix) {
    List<String> removals = new ArrayList<>(environmentRemovals);
    removals.add(Objects.requireNonNull(prefix, "prefix"));
    return new SqliteCli(executable, timeout, environment, removals, workingDirectory);
  }

  public SqliteCli withWorkingDirectory(Path directory) {
    return new SqliteCli(executable, timeout, environment, environmentRemovals, directory);
  }

  /**
   * Runs {@code script} against the database file {@code database} and returns stdout. Like a
   * well-behaved application it waits up to 10 s for locks (a replicator briefly takes SQLite's
   * write lock when it checkpoints).
   */
  public String run(Path database, String script) {
    return run(List.of("-cmd", ".timeout 10000", database.toString()), script);
  }

  /** Runs {@code script} with no database argument (an in-memory database) and returns stdout. */
  public String run(String script) {
    return run(List.of(), script);
  }

  /**
   * Runs the shell with extra arguments after {@code -bail}; returns stdout, fails on a non-zero
   * exit.
   */
  public String run(List<String> arguments, String script) {
    Result result = execute(arguments, script);
    if (result.exitCode() != 0) {
      throw new AssertionError(
          "sqlite3 exited with " + result.exitCode() + "\n" + result.describe(script));
    }
    return result.stdout();
  }

  /**
   * Runs the shell and returns whatever happened, without judging the exit code (timeouts still
   * fail).
   */
  public Result execute(List<String> arguments, String script) {
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.add("-bail");
    command.addAll(arguments);
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("sqlite3-run");
      Path in = Files.writeString(scratch.resolve("stdin.sql"), script, StandardCharsets.UTF_8);
      Path out = scratch.resolve("stdout.txt");
      Path err = scratch.resolve("stderr.txt");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectInput(in.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      if (workingDirectory != null) {
        builder.directory(workingDirectory.toFile());
      }
      Map<String, String> env = builder.environment();
      for (String prefix : environmentRemovals) {
        env.keySet().removeIf(name -> name.startsWith(prefix));
      }
      env.putAll(environment);
      long started = System.nanoTime();
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new AssertionError(
            "cannot start " + executable + " (is the sqlite3 CLI installed?): " + e.getMessage(),
            e);
      }
      boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      Result result =
          new Result(
              command,
              environment,
              finished ? process.exitValue() : -1,
              elapsed,
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      if (!finished) {
        throw new AssertionError(
            "sqlite3 did not finish within "
                + timeout.toMillis()
                + " ms and was killed\n"
                + result.describe(script));
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("running " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command, e);
    } finally {
      TestFiles.deleteRecursively(scratch);
    }
  }

  /** What one run of the shell did. */
  public record Result(
      List<String> command,
      Map<String, String> environment,
      int exitCode,
      Duration elapsed,
      String stdout,
      String stderr) {

    /** A multi-line account of the run for failure messages. */
    public String describe(String script) {
      return "command: "
          + String.join(" ", command)
          + (environment.isEmpty() ? "" : "\nenvironment: " + environment)
          + "\nelapsed: "
          + elapsed.toMillis()
          + " ms"
          + "\n--- script ---\n"
          + abbreviate(script)
          + "\n--- stdout ---\n"
          + abbreviate(stdout)
          + "\n--- stderr ---\n"
          + abbreviate(stderr);
    }

    private static String abbreviate(String text) {
      int max = 8000;
      return text.length() <= max
          ? text
          : text.substring(0, max) + "\n... (" + (text.length() - max) + " more chars)";
    }
  }
}
