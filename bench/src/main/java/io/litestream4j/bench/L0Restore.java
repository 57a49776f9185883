package io.litestream4j.bench;

import io.litestream4j.ltx.LtxApplier;
import io.litestream4j.ltx.LtxFileName;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Stand-in for our restore command while the CLI has none: restores the latest state of a file
 * replica from its level-0 files (TXID 1 onwards, the only layout our replicator writes today) with
 * the codec's verified one-pass applier, in this JVM, and reports the phases separately. Results
 * produced this way are labelled as such in results.md.
 *
 * @param planNanos listing the replica and choosing the files
 * @param applyNanos reading, decompressing, verifying and writing the pages
 * @param fsyncNanos fsync of the file, rename into place, fsync of the directory
 */
record L0Restore(long planNanos, long applyNanos, long fsyncNanos, int files, long checksum) {

  static L0Restore restore(Path replica, Path out) throws IOException {
    long t0 = System.nanoTime();
    Path l0 = replica.resolve("ltx").resolve("0");
    List<Path> files;
    try (Stream<Path> s = Files.list(l0)) {
      files =
          s.filter(p -> LtxFileName.parse(p.getFileName().toString()).isPresent())
              .sorted()
              .toList();
    }
    if (files.isEmpty()
        || LtxFileName.parse(files.getFirst().getFileName().toString()).orElseThrow().minTxid()
            != 1) {
      throw new IOException(
          "the L0 files in "
              + l0
              + " do not start at TXID 1; this stand-in only restores "
              + "replicas whose level 0 holds the whole history (use the restore command)");
    }
    long t1 = System.nanoTime();
    Path temp = out.resolveSibling(out.getFileName() + ".tmp");
    List<InputStream> streams = new ArrayList<>();
    long checksum;
    long t2;
    try (FileChannel ch =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ)) {
      for (Path p : files) {
        streams.add(new BufferedInputStream(Files.newInputStream(p), 1 << 16));
      }
      checksum = LtxApplier.restore(streams, ch).checksum();
      t2 = System.nanoTime();
      ch.force(true);
    } finally {
      for (InputStream in : streams) {
        in.close();
      }
    }
    Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel dir = FileChannel.open(out.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    }
    long t3 = System.nanoTime();
    return new L0Restore(t1 - t0, t2 - t1, t3 - t2, files.size(), checksum);
  }

  long totalNanos() {
    return planNanos + applyNanos + fsyncNanos;
  }
}
