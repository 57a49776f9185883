package io.litestream4j.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The POSIX advisory locks the kernel reports in {@code /proc/locks} (Linux), so tests can check
 * which process holds which SQLite lock on a file. Files are matched by inode number. Reading
 * {@code /proc/locks} opens no descriptor on the files themselves, so it never disturbs the locks
 * it reports.
 */
public final class ProcLocks {
  /**
   * First byte of SQLite's SHARED lock range on the database file (PENDING_BYTE + 2); an idle
   * connection in WAL mode keeps a read lock there for as long as it is open.
   */
  public static final long SQLITE_SHARED_FIRST = 0x40000000L + 2;

  private ProcLocks() {}

  /** One line of {@code /proc/locks}. */
  public record Lock(String kind, String type, long pid, long inode, long start, String end) {
    public boolean isSqliteShared() {
      return kind.equals("POSIX") && type.equals("READ") && start == SQLITE_SHARED_FIRST;
    }
  }

  /** True when {@code /proc/locks} exists (Linux). */
  public static boolean available() {
    return Files.isReadable(Path.of("/proc/locks"));
  }

  /** Skips the calling test where {@code /proc/locks} cannot show the locks it checks. */
  public static void assumeAvailable() {
    assumeTrue(available(), "needs /proc/locks (Linux) to observe POSIX locks");
  }

  /** The inode number of {@code file}. */
  public static long inode(Path file) throws IOException {
    return ((Number) Files.getAttribute(file, "unix:ino")).longValue();
  }

  /** Every lock on the inode of {@code file}. */
  public static List<Lock> on(Path file) throws IOException {
    long inode = inode(file);
    List<Lock> out = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
      // "1: POSIX  ADVISORY  READ 1234 08:01:5678 1073741826 1073742335" (blocked waiters have
      // "->")
      String[] f = line.trim().split("\\s+");
      if (f.length < 8 || f[1].equals("->")) {
        continue;
      }
      String[] dev = f[5].split(":");
      if (dev.length != 3 || Long.parseLong(dev[2]) != inode) {
        continue;
      }
      out.add(new Lock(f[1], f[3], Long.parseLong(f[4]), inode, Long.parseLong(f[6]), f[7]));
    }
    return out;
  }

  /** True when process {@code pid} holds SQLite's SHARED lock on the database file {@code db}. */
  public static boolean holdsShared(long pid, Path db) throws IOException {
    // The kernel produces /proc/locks a page (~60 lines) per read, each page under its own lock:
    // while other processes take and release locks (a writer at full speed, a replicator of 1000
    // databases), a line can slip between two pages of one reading, and a held lock looks absent.
    // A lock counts as absent only when three readings in a row miss it.
    for (int reading = 0; reading < 3; reading++) {
      if (on(db).stream().anyMatch(l -> l.pid() == pid && l.isSqliteShared())) {
        return true;
      }
    }
    return false;
  }

  /** A description of the locks on {@code file}, for failure messages. */
  public static String describe(Path file) throws IOException {
    StringBuilder b = new StringBuilder("locks on " + file + ":");
    for (Lock l : on(file)) {
      b.append("\n  ").append(l);
    }
    return b.toString();
  }
}
