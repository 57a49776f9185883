package io.litestream4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code version}: prints the version; {@code -verbose} adds the git commit it was built from (or
 * "unknown" for a build outside a git checkout), the Java runtime and the platform. Its model is
 * built without annotations ({@link CommandOptions}): it is the command whose start-up is timed.
 */
final class VersionCommand implements Callable<Integer> {
  private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this).name("version");
  private final CommandOptions.Flag verbose =
      new CommandOptions(spec).flag("-verbose", "Also print runtime and platform details.");

  VersionCommand() {
    spec.usageMessage()
        .description("Prints the version.")
        .footer("", "Example:", "  litestream4j version -verbose");
  }

  /** The model picocli parses into; its user object is this command. */
  CommandSpec spec() {
    return spec;
  }

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    if (verbose.isSet()) {
      // Litestream's labels, with the Java runtime where it names its Go version.
      out.println("Version: " + version());
      out.println("Java Version: " + Runtime.version());
      out.println("Git Commit: " + commit());
      out.println(
          "OS/Arch: "
              + System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT)
              + "/"
              + System.getProperty("os.arch"));
    } else {
      out.println(version());
    }
    out.flush();
    return 0;
  }

  static String version() {
    String v = buildProperties().getProperty("version");
    return v == null ? "(development build)" : "v" + v;
  }

  /**
   * The git commit id the build came from, as Litestream prints it: {@code <id> (dirty)} when the
   * checkout had uncommitted changes, {@code unknown} for a build outside git.
   */
  static String commit() {
    Properties p = buildProperties();
    String c = p.getProperty("commit", "unknown");
    if (c.isBlank() || c.startsWith("${")) {
      return "unknown";
    }
    return "true".equals(p.getProperty("dirty")) ? c + " (dirty)" : c;
  }

  private static Properties buildProperties() {
    Properties p = new Properties();
    try (InputStream in = VersionCommand.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }
}
