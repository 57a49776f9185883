package io.litestream4j.ltx;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A second channel on a database being restored that writes around the page cache ({@code
 * O_DIRECT}), for the bulk page writes of a restore. Measured on this project's machines, a
 * buffered 1 GiB restore spends about a third of its CPU time in the kernel copying pages into the
 * page cache, and the final sync still waits for all of them; written directly, each buffer goes
 * from our memory to the device, the writer thread uses almost no CPU, and the restore leaves no
 * gigabyte of dirty cache behind to slow down whatever runs next.
 *
 * <p>Guarantees: {@link #open} returns empty instead of failing whenever direct writes cannot be
 * used (another OS, a file system without {@code O_DIRECT} such as older tmpfs, a page size that is
 * not a multiple of the file system's block size, a JDK without {@code jdk.unsupported}); the
 * caller then writes through its buffered channel as before. Buffers from {@link #allocate} satisfy
 * the alignment, and so does every run of whole pages at a page boundary. Durability is unchanged:
 * the caller's final sync of the file covers these writes too.
 */
final class DirectPageChannel implements AutoCloseable {
  private final FileChannel channel;
  private final int alignment;

  private DirectPageChannel(FileChannel channel, int alignment) {
    this.channel = channel;
    this.alignment = alignment;
  }

  /** A direct channel on {@code file} (which must exist), or empty when direct writes won't do. */
  static Optional<DirectPageChannel> open(Path file, int pageSize) {
    try {
      long block = Files.getFileStore(file).getBlockSize();
      if (block <= 0 || block > pageSize || pageSize % block != 0) {
        return Optional.empty();
      }
      FileChannel ch =
          FileChannel.open(
              file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS, ExtendedOpenOption.DIRECT);
      return Optional.of(new DirectPageChannel(ch, (int) block));
    } catch (IOException | UnsupportedOperationException | LinkageError e) {
      return Optional.empty();
    }
  }

  /** A direct buffer of {@code bytes} (a multiple of the alignment) whose address is aligned. */
  ByteBuffer allocate(int bytes) {
    if (bytes % alignment != 0) {
      throw new IllegalArgumentException(
          bytes + " bytes is not a multiple of the direct-write alignment " + alignment);
    }
    return ByteBuffer.allocateDirect(bytes + alignment).alignedSlice(alignment).slice(0, bytes);
  }

  /** Writes the buffer's remaining bytes at {@code position}; returns the number written. */
  int write(ByteBuffer b, long position) throws IOException {
    return channel.write(b, position);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
