package io.litestream4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command-line tool started as a separate JVM on the tests' class path, so that a test can kill
 * it, watch it exit by itself or run two at once: the one way the tests launch {@link Main}.
 */
final class CliProcess {
  private CliProcess() {}

  /** {@code java --enable-native-access=ALL-UNNAMED -cp <test class path> Main <args>}. */
  static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Starts the tool with standard output and error together in {@code log}. */
  static Process start(Path log, String... args) throws IOException {
    return new ProcessBuilder(command(args))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }
}
