package io.litestream4j.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Small tmpfs file systems that fill up, for the disk-full tests: mounted when a test asks,
 * unmounted after each test (before its temporary directory is deleted). Mounting needs root; where
 * it is refused the test is skipped, not failed. Register with {@code @RegisterExtension}.
 */
public final class TmpfsMounts implements AfterEachCallback {
  private final List<Path> mounted = new ArrayList<>();

  /**
   * Mounts a tmpfs of {@code size} (mount's syntax, e.g. {@code 1m}) at {@code where}, created if
   * missing; skips the test, saying {@code skipped}, when this machine cannot mount one.
   */
  public Path mountOrSkip(Path where, String size, String skipped) throws Exception {
    Files.createDirectories(where);
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", where.toString())
            .redirectErrorStream(true)
            .start();
    assumeTrue(p.waitFor() == 0, "cannot mount a tmpfs here (needs root); " + skipped);
    mounted.add(where);
    return where;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    for (Path where : mounted) {
      new ProcessBuilder("umount", where.toString()).start().waitFor();
    }
    mounted.clear();
  }
}
