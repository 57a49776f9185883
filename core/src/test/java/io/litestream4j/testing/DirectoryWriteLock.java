package io.litestream4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;

/**
 * Makes a directory refuse new entries until closed, for tests of unwritable replicas and outputs.
 * Root ignores permission bits, so as root this uses the immutable attribute ({@code chattr +i}),
 * which binds root too; the calling test is skipped if that is unavailable (e.g. on a file system
 * without attribute support).
 */
public record DirectoryWriteLock(Path dir, boolean immutable) implements AutoCloseable {

  public static DirectoryWriteLock lock(Path dir) throws IOException {
    if ("root".equals(System.getProperty("user.name"))) {
      int rc = run("chattr", "+i", dir.toString());
      Assumptions.assumeTrue(
          rc == 0,
          "running as root, which bypasses chmod, and 'chattr +i' failed here (exit "
              + rc
              + "): skipped");
      return new DirectoryWriteLock(dir, true);
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    return new DirectoryWriteLock(dir, false);
  }

  /** What the operating system's refusal says, in the words error messages use. */
  public String expectedReason() {
    return immutable ? "operation not permitted" : "permission denied";
  }

  @Override
  public void close() throws IOException {
    if (immutable) {
      assertThat(run("chattr", "-i", dir.toString())).isZero();
    } else {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private static int run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor();
    } catch (IOException notInstalled) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
