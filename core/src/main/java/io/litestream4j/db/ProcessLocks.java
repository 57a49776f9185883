package io.litestream4j.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether this process holds POSIX locks on a file, read from Linux's {@code /proc/locks} (which
 * opens no descriptor on the file, so asking never disturbs the answer). Matches by inode number
 * only: a false match on another device makes callers keep a descriptor, the safe direction.
 */
final class ProcessLocks {
  private static final Path PROC_LOCKS = Path.of("/proc/locks");

  /** One per process, like the lock table it reads. */
  private static final CoalescedFileRead READER = new CoalescedFileRead(PROC_LOCKS);

  private ProcessLocks() {}

  /** The inode number of {@code file}, or -1 where the file system does not report one. */
  static long inode(Path file) throws IOException {
    try {
      return ((Number) Files.getAttribute(file, "unix:ino")).longValue();
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return -1;
    }
  }

  /**
   * True when this process holds a POSIX lock on inode {@code inode}; empty when that cannot be
   * known (no {@code /proc/locks}, unknown inode).
   */
  static Optional<Boolean> heldOn(long inode) {
    if (inode < 0 || !Files.isReadable(PROC_LOCKS)) {
      return Optional.empty();
    }
    String pid = Long.toString(ProcessHandle.current().pid());
    String inodeSuffix = ":" + inode;
    String inodeField = inodeSuffix + " ";
    try {
      for (String line : READER.readLines()) {
        // "1: POSIX  ADVISORY  READ 1234 fe:00:5678 1073741826 1073742335"; waiters have "->".
        // A process replicating a thousand databases has thousands of lines and asks at every
        // close: only lines naming the inode are split, and concurrent closes share a read.
        if (!line.contains(inodeField)) {
          continue;
        }
        String[] f = line.trim().split("\\s+");
        if (f.length >= 8
            && f[1].equals("POSIX")
            && f[4].equals(pid)
            && f[5].endsWith(inodeSuffix)) {
          return Optional.of(true);
        }
      }
      return Optional.of(false);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
