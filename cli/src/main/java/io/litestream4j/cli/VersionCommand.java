package io.litestream4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code version}: prints the version; {@code -verbose} adds the Java runtime and platform. */
@Command(name = "version", description = "Prints the version.")
final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "-verbose", description = "Also print runtime and platform details.")
  boolean verbose;

  @Option(names = {"-h", "-help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    out.println(version());
    if (verbose) {
      out.println("Java Version: " + Runtime.version());
      out.println("OS/Arch: " + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
    }
    out.flush();
    return 0;
  }

  static String version() {
    try (InputStream in = VersionCommand.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "(development build)";
      }
      Properties p = new Properties();
      p.load(in);
      return "v" + p.getProperty("version", "(development build)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
