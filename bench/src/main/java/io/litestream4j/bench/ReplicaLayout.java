package io.litestream4j.bench;

import io.litestream4j.ltx.LtxDecoder;
import io.litestream4j.ltx.LtxFileName;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jpountz.lz4.LZ4FrameInputStream;

/**
 * How to read one replicator's file replica without restoring it: which files are complete replica
 * files (both replicators publish files by renaming a finished temporary file, so a file under its
 * final name is complete) and which benchmark rows (see {@link SeqMarker}) a file carries.
 */
sealed interface ReplicaLayout {

  /** True for a published replica file (not a temporary file, not a directory). */
  boolean isReplicaFile(Path file);

  /** The highest row stamp in the file's page data, 0 when it holds none. */
  long maxSeq(Path file) throws IOException;

  /** True once the replica holds a full copy of the database to restore from. */
  default boolean hasSnapshot(Path root) throws IOException {
    return countFiles(root) > 0;
  }

  /** Published replica files under {@code root}. */
  default long countFiles(Path root) throws IOException {
    return Trees.files(root, this::isReplicaFile).size();
  }

  /** litestream4j / Litestream 0.5: {@code <root>/ltx/<level>/<min>-<max>.ltx}. */
  record Ltx() implements ReplicaLayout {
    @Override
    public boolean isReplicaFile(Path file) {
      Path parent = file.getParent();
      return parent != null
          && parent.getParent() != null
          && parent.getParent().getFileName().toString().equals("ltx")
          && LtxFileName.parse(file.getFileName().toString()).isPresent();
    }

    @Override
    public long maxSeq(Path file) throws IOException {
      long max = 0;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
          LtxDecoder dec = new LtxDecoder(in)) {
        byte[] page = new byte[dec.header().pageSize()];
        while (dec.nextPage(page) != 0) {
          max = Math.max(max, SeqMarker.maxIn(page, 0, page.length));
        }
        dec.finish();
      }
      return max;
    }
  }

  /**
   * Litestream 0.3: {@code <root>/generations/<gen>/snapshots/<index>.snapshot.lz4} and {@code
   * .../wal/<index>_<offset>.wal.lz4}, each an LZ4 frame of database or WAL bytes.
   */
  record Litestream03() implements ReplicaLayout {
    @Override
    public boolean isReplicaFile(Path file) {
      String name = file.getFileName().toString();
      return name.endsWith(".wal.lz4") || name.endsWith(".snapshot.lz4");
    }

    @Override
    public boolean hasSnapshot(Path root) throws IOException {
      return !Trees.files(root, p -> p.getFileName().toString().endsWith(".snapshot.lz4"))
          .isEmpty();
    }

    @Override
    public long maxSeq(Path file) throws IOException {
      try (InputStream in =
          new LZ4FrameInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
        return maxSeq(in);
      }
    }

    /** Scans a stream in chunks, carrying the tail over so a stamp split between reads is found. */
    private static long maxSeq(InputStream in) throws IOException {
      byte[] buf = new byte[1 << 16];
      int carry = 0;
      long max = 0;
      while (true) {
        int n = in.read(buf, carry, buf.length - carry);
        if (n < 0) {
          return Math.max(max, SeqMarker.maxIn(buf, 0, carry));
        }
        int len = carry + n;
        max = Math.max(max, SeqMarker.maxIn(buf, 0, len));
        carry = Math.min(len, SeqMarker.LENGTH - 1);
        System.arraycopy(buf, len - carry, buf, 0, carry);
      }
    }
  }
}
