package io.litestream4j.restore;

import io.litestream4j.RestoreProgress;
import io.litestream4j.internal.FanOut;
import io.litestream4j.internal.FileTrees;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ResumableInputStream;
import io.litestream4j.replica.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads the files of a restore plan concurrently into a private directory next to the output,
 * so that the single merge pass afterwards reads local files only — all but the one it is told to
 * leave out, which the merge streams because it reads it from start to end (the snapshot).
 *
 * <p>Why stage instead of merging straight from the network: the merge needs every file open at
 * once and consumes them at very different rates (a file holding only high page numbers sits idle
 * until the end — the idle connections providers drop, Litestream issue 1077), and a merge cannot
 * read ahead from N connections without either unbounded memory or N threads blocked on each other.
 * Staging makes the downloads independent, truly parallel, resumable per file, and gives bounded
 * memory (one copy buffer per thread); the price is disk space for the compressed files beside the
 * output. Files already staged are kept when a plan is recomputed. The directory and everything in
 * it is deleted by {@link #close()}.
 */
final class StagingArea implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StagingArea.class);
  private static final int COPY_BUFFER = 64 * 1024;

  private final ReplicaClient client;
  private final Path dir;
  private final int parallelism;
  private final RetryPolicy retryPolicy;
  private final RestoreProgress progress;
  private final Map<LtxFileInfo, Path> staged = new HashMap<>();

  private StagingArea(
      ReplicaClient client,
      Path dir,
      int parallelism,
      RetryPolicy retryPolicy,
      RestoreProgress progress) {
    this.client = client;
    this.dir = dir;
    this.parallelism = parallelism;
    this.retryPolicy = retryPolicy;
    this.progress = progress;
  }

  /** A staging area in the existing, empty directory {@code dir}. */
  static StagingArea in(
      Path dir,
      ReplicaClient client,
      int parallelism,
      RetryPolicy retryPolicy,
      RestoreProgress progress) {
    return new StagingArea(client, dir, parallelism, retryPolicy, progress);
  }

  /**
   * Downloads every file of {@code files} except {@code streamed} that is not staged yet, at most
   * {@code parallelism} at a time, in plan order, and returns the local copies in the order given,
   * with {@code null} in the place of {@code streamed}. On the first failure the other downloads
   * are cancelled and that failure is thrown (unwrapped).
   */
  List<@Nullable Path> fetchAllBut(List<LtxFileInfo> files, LtxFileInfo streamed)
      throws IOException {
    List<LtxFileInfo> missing =
        files.stream().filter(f -> !f.equals(streamed) && !staged.containsKey(f)).toList();
    long total = missing.stream().mapToLong(LtxFileInfo::size).sum();
    AtomicLong done = new AtomicLong();
    progress.update(RestoreProgress.Phase.DOWNLOAD, 0, total);
    List<Path> fetched =
        FanOut.map(missing, parallelism, "l4j-restore-download-", f -> download(f, done, total));
    for (int i = 0; i < missing.size(); i++) {
      staged.put(missing.get(i), fetched.get(i));
    }
    List<@Nullable Path> local = new ArrayList<>(files.size());
    for (LtxFileInfo f : files) {
      local.add(f.equals(streamed) ? null : staged.get(f));
    }
    return local;
  }

  private Path download(LtxFileInfo f, AtomicLong done, long total) throws IOException {
    Path local = dir.resolve("L" + f.level() + "-" + f.name());
    long copied = 0;
    Files.deleteIfExists(local); // an earlier, failed attempt
    try (InputStream in = ResumableInputStream.open(client, f, retryPolicy);
        FileChannel out =
            FileChannel.open(
                local,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE,
                java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      byte[] buf = new byte[COPY_BUFFER];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        ByteBuffer chunk = ByteBuffer.wrap(buf, 0, n);
        while (chunk.hasRemaining()) {
          out.write(chunk);
        }
        copied += n;
        progress.update(RestoreProgress.Phase.DOWNLOAD, done.addAndGet(n), total);
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException(
              "download of L" + f.level() + "/" + f.name() + " cancelled");
        }
      }
    }
    if (copied != f.size()) {
      throw new IOException(
          "downloaded "
              + copied
              + " bytes of L"
              + f.level()
              + "/"
              + f.name()
              + " but the replica listed it with "
              + f.size()
              + " bytes; it changed while being read");
    }
    return local;
  }

  @Override
  public void close() throws IOException {
    FileTrees.delete(dir);
  }
}
