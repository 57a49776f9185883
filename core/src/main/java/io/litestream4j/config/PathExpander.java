package io.litestream4j.config;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Turns a path as written in a configuration or on the command line into the absolute path
 * Litestream would use: an {@code sqlite://} or {@code sqlite3://} connection-string prefix is
 * dropped, a leading {@code ~} or {@code ~/} becomes the home directory, and a relative path is
 * resolved against the working directory and normalised.
 */
final class PathExpander {

  private PathExpander() {}

  static Path expand(String raw, @Nullable String home) {
    String s = stripSqlitePrefix(raw);
    if (s.equals("~") || s.startsWith("~/")) {
      if (home == null || home.isEmpty()) {
        throw new IllegalArgumentException(
            "cannot expand \"~\": no home directory is known (set HOME or write an absolute path)");
      }
      s = s.equals("~") ? home : home + s.substring(1);
    }
    return Path.of(s).toAbsolutePath().normalize();
  }

  static String stripSqlitePrefix(String s) {
    for (String prefix : new String[] {"sqlite3://", "sqlite://"}) {
      if (s.startsWith(prefix)) {
        return s.substring(prefix.length());
      }
    }
    return s;
  }
}
