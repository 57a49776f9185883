package io.litestream4j.db;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * A read-only {@link FileChannel} that no thread interrupt can close.
 *
 * <p>The JDK's own file channels close themselves when a thread blocked in (or entering) one of
 * their I/O methods is interrupted. For a database file that is fatal: closing any descriptor of a
 * file releases every POSIX lock the process holds on it, SQLite's included (see {@link Database}).
 * This channel reads through a {@link RandomAccessFile}, whose blocking reads ignore interrupts, so
 * only an explicit {@link #close()} ever releases the descriptor. Positional reads are serialised
 * on the file (a seek and a read); the channel's own position is not supported. It never takes
 * locks and never writes.
 */
final class ReadOnlyFileChannel extends FileChannel {
  private final RandomAccessFile file;

  private ReadOnlyFileChannel(RandomAccessFile file) {
    this.file = file;
  }

  /**
   * Opens {@code path} for reading; {@link java.nio.file.NoSuchFileException} when it is absent.
   */
  static ReadOnlyFileChannel open(Path path) throws IOException {
    if (!java.nio.file.Files.exists(path)) {
      throw new java.nio.file.NoSuchFileException(path.toString());
    }
    try {
      return new ReadOnlyFileChannel(new RandomAccessFile(path.toFile(), "r"));
    } catch (java.io.FileNotFoundException e) {
      if (!java.nio.file.Files.exists(path)) {
        throw new java.nio.file.NoSuchFileException(path.toString());
      }
      throw e;
    }
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    ensureOpen();
    if (position < 0) {
      throw new IllegalArgumentException("negative position " + position);
    }
    int len = dst.remaining();
    if (len == 0) {
      return 0;
    }
    byte[] array;
    int off;
    if (dst.hasArray()) {
      array = dst.array();
      off = dst.arrayOffset() + dst.position();
    } else {
      array = new byte[len];
      off = 0;
    }
    int n;
    synchronized (file) {
      file.seek(position);
      n = file.read(array, off, len);
    }
    if (n > 0) {
      if (dst.hasArray()) {
        dst.position(dst.position() + n);
      } else {
        dst.put(array, 0, n);
      }
    }
    return n;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return file.length();
  }

  private void ensureOpen() throws IOException {
    if (!isOpen()) {
      throw new java.nio.channels.ClosedChannelException();
    }
  }

  @Override
  protected void implCloseChannel() throws IOException {
    file.close();
  }

  // --- not supported: this channel only reads at explicit positions ---

  @Override
  public int read(ByteBuffer dst) {
    throw new UnsupportedOperationException("only positional reads are supported");
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) {
    throw new UnsupportedOperationException("only positional reads are supported");
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) {
    throw new NonWritableChannelException();
  }

  @Override
  public int write(ByteBuffer src, long position) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() {
    throw new UnsupportedOperationException("only positional reads are supported");
  }

  @Override
  public FileChannel position(long newPosition) {
    throw new UnsupportedOperationException("only positional reads are supported");
  }

  @Override
  public FileChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public void force(boolean metaData) {
    // nothing written
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) {
    throw new UnsupportedOperationException("only positional reads are supported");
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) {
    throw new NonWritableChannelException();
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) {
    throw new UnsupportedOperationException("mapping is not supported");
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) {
    throw new UnsupportedOperationException("the replicator never locks SQLite's files itself");
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) {
    throw new UnsupportedOperationException("the replicator never locks SQLite's files itself");
  }
}
