package io.litestream4j.server;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** File-system side of the control socket: recognising socket files and applying a numeric mode. */
final class UnixSocketFiles {
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  private UnixSocketFiles() {}

  static boolean isSocket(Path p) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return (mode & S_IFMT) == S_IFSOCK;
  }

  /** True when a process accepts connections on the socket file {@code p}. */
  static boolean isLive(Path p) {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(p));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Makes {@code p} free for a new socket: nothing there is fine, a stale socket file (no process
   * listening) is removed; anything else is an error that names what to do.
   */
  static void prepare(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(p.toAbsolutePath().getParent());
      return;
    }
    if (!isSocket(p)) {
      throw new IOException(
          "socket.path " + p + " exists and is not a socket; remove it or choose another path");
    }
    if (isLive(p)) {
      throw new IOException(
          "socket.path "
              + p
              + " is in use by another running process; stop it or choose another path");
    }
    Files.delete(p);
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_READ,
    };
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << i)) != 0) {
        s.add(order[i]);
      }
    }
    return s;
  }
}
