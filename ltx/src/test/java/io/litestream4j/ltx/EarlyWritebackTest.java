package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore's early syncs: they happen while pages are still being written, a failed one is never
 * lost, and stopping never interrupts one (which would close the channel).
 */
@Timeout(60)
class EarlyWritebackTest {
  private static final int PAGE = 4096;
  @TempDir Path dir;

  @Test
  void aLargeOverlappedWriteSyncsEarlyAndKeepsEveryPage() throws Exception {
    Path f = dir.resolve("db");
    int pages = (int) (3 * PageWriter.WRITEBACK_BYTES / PAGE) + 7;
    try (FileChannel real = open(f);
        CountingChannel ch = new CountingChannel(real, null);
        PageWriter w = new PageWriter(ch, PAGE, true)) {
      for (int pgno = 1; pgno <= pages; pgno++) {
        w.write(pgno, page(pgno));
      }
      w.flush();
      assertThat(ch.forces.get())
          .as("syncs before the caller's own, for %d bytes", (long) pages * PAGE)
          .isBetween(1, 3);
    }
    byte[] all = Files.readAllBytes(f);
    assertThat(all).hasSize(pages * PAGE);
    for (int pgno = 1; pgno <= pages; pgno += 97) {
      assertThat(Arrays.copyOfRange(all, (pgno - 1) * PAGE, pgno * PAGE))
          .as("page %d", pgno)
          .isEqualTo(page(pgno));
    }
  }

  @Test
  void aSmallWriteIsNotSyncedEarly() throws Exception {
    try (FileChannel real = open(dir.resolve("db"));
        CountingChannel ch = new CountingChannel(real, null);
        PageWriter w = new PageWriter(ch, PAGE, true)) {
      for (int pgno = 1; pgno <= 1000; pgno++) {
        w.write(pgno, page(pgno));
      }
      w.flush();
      assertThat(ch.forces.get()).isZero();
    }
  }

  @Test
  void aFailedEarlySyncIsThrownByFlushEvenThoughWritesSucceeded() throws Exception {
    IOException eio = new IOException("Input/output error");
    try (FileChannel real = open(dir.resolve("db"));
        CountingChannel ch = new CountingChannel(real, eio)) {
      PageWriter w = new PageWriter(ch, PAGE, true);
      int pages = (int) (PageWriter.WRITEBACK_BYTES / PAGE) * 2;
      assertThatThrownBy(
              () -> {
                for (int pgno = 1; pgno <= pages; pgno++) {
                  w.write(pgno, page(pgno));
                }
                w.flush();
              })
          .isSameAs(eio);
      w.close();
      assertThat(threadAlive()).isFalse();
    }
  }

  @Test
  void closeWaitsForARunningSyncInsteadOfInterruptingIt() throws Exception {
    CountDownLatch inForce = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (FileChannel real = open(dir.resolve("db"));
        FileChannel ch =
            new CountingChannel(real, null) {
              @Override
              public void force(boolean metaData) throws IOException {
                inForce.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  throw new AssertionError("the sync was interrupted", e);
                }
                super.force(metaData);
              }
            }) {
      EarlyWriteback wb = new EarlyWriteback(ch, 1);
      wb.written(1);
      assertThat(inForce.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Void> closing =
          CompletableFuture.runAsync(
              () -> {
                try {
                  wb.close();
                } catch (IOException e) {
                  throw new AssertionError(e);
                }
              });
      assertThat(closing).isNotDone();
      release.countDown();
      closing.get(10, TimeUnit.SECONDS);
      assertThat(ch.isOpen()).isTrue();
      assertThat(threadAlive()).isFalse();
      wb.throwIfFailed();
    }
  }

  @Test
  void rejectsANonPositiveInterval() {
    assertThatThrownBy(() -> new EarlyWriteback(null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }

  private static boolean threadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(EarlyWriteback.THREAD_NAME) && t.isAlive());
  }

  private static FileChannel open(Path f) throws IOException {
    return FileChannel.open(
        f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
  }

  private static byte[] page(int pgno) {
    byte[] p = new byte[PAGE];
    Arrays.fill(p, (byte) pgno);
    p[0] = (byte) (pgno >>> 8);
    return p;
  }

  /** A real file channel that counts syncs and can fail them. */
  private static class CountingChannel extends FileChannel {
    final FileChannel real;
    final IOException forceFailure;
    final AtomicInteger forces = new AtomicInteger();

    CountingChannel(FileChannel real, IOException forceFailure) {
      this.real = real;
      this.forceFailure = forceFailure;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      forces.incrementAndGet();
      if (forceFailure != null) {
        throw forceFailure;
      }
      real.force(metaData);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      return real.write(src, position);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return real.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return real.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      return real.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
      return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      real.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      real.truncate(size);
      return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count)
        throws IOException {
      return real.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return real.read(dst, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      real.close();
    }
  }
}
