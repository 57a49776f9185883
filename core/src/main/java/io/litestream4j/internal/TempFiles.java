package io.litestream4j.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Temporary files that a file is staged in before it is renamed into place.
 *
 * <p>Guarantees: the temporary file is always new — created with {@code O_CREAT|O_EXCL} ({@link
 * StandardOpenOption#CREATE_NEW}), which never follows a symbolic link and never opens a file
 * someone else put there — and has a unique name {@code <target>.<16 hex digits>.tmp}, so a symlink
 * planted at a predictable name cannot redirect the write, and two writers never share a temporary
 * file. {@link #isOurs} recognises exactly this naming pattern, so stale temporaries left by a
 * crash can be cleaned up without touching anything else.
 */
public final class TempFiles {
  private static final Pattern OURS = Pattern.compile(".+\\.[0-9a-f]{16}\\.tmp");

  private static final Set<OpenOption> CREATE_OPTIONS =
      Set.of(
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.READ,
          StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);

  private TempFiles() {}

  /** A newly created temporary file and the channel it was opened with. */
  public record Temp(Path path, FileChannel channel) {}

  /**
   * Creates and opens a new temporary file beside {@code target}, for writing (and reading).
   *
   * @param mode the file's permissions, applied regardless of the umask; empty keeps the default
   */
  public static Temp createBeside(Path target, Optional<Set<PosixFilePermission>> mode)
      throws IOException {
    HexFormat hex = HexFormat.of();
    while (true) {
      Path temp =
          target.resolveSibling(
              target.getFileName()
                  + "."
                  + hex.toHexDigits(ThreadLocalRandom.current().nextLong())
                  + ".tmp");
      FileChannel ch;
      try {
        ch = FileChannel.open(temp, CREATE_OPTIONS);
      } catch (FileAlreadyExistsException collision) {
        continue;
      }
      try {
        if (mode.isPresent()) {
          FileModes.apply(temp, mode.get());
        }
      } catch (IOException | RuntimeException e) {
        ch.close();
        Files.deleteIfExists(temp);
        throw e;
      }
      return new Temp(temp, ch);
    }
  }

  /** True when {@code fileName} is a temporary file name this class creates. */
  public static boolean isOurs(String fileName) {
    return OURS.matcher(fileName).matches();
  }
}
