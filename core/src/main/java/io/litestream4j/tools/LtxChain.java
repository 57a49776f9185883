package io.litestream4j.tools;

import io.litestream4j.internal.AtomicFiles;
import io.litestream4j.internal.TempFiles;
import io.litestream4j.ltx.Checksums;
import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.ltx.LtxApplier;
import io.litestream4j.ltx.LtxException;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.Txid;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a database file from a snapshot LTX file and the files that follow it, in the order given,
 * proving continuity on the way: before anything is written every header is read and the TXID
 * ranges must chain without gaps or overlaps and share one page size; while applying, each file's
 * pre-apply checksum must match the database so far and its post-apply checksum the result (for
 * files that track checksums), and every file must decode and verify completely. Errors name the
 * file that broke the chain.
 *
 * <p>The output appears atomically: pages go to a new, uniquely named {@code <out>.<random>.tmp}
 * (never through a symlink), which is fsynced, read back against the applied checksum and renamed
 * over {@code <out>} (the directory is fsynced too); on any failure the temp file is removed and
 * {@code <out>} is left as it was. Stale {@code -wal}, {@code -shm} and {@code -journal} files of a
 * replaced {@code <out>} are removed before the rename, because SQLite would otherwise replay them
 * onto the new database.
 */
public final class LtxChain {
  private LtxChain() {}

  /** The database that {@link #apply} wrote. */
  public record Result(
      int files, long txid, int pageSize, int commit, long checksum, long timestamp) {}

  /**
   * Applies {@code files} (a snapshot first) to a new database at {@code out}, replacing it.
   *
   * @throws LtxException naming the file if the chain has a gap, an overlap, a page size change or
   *     a checksum break, or a file is corrupt
   */
  public static Result apply(List<Path> files, Path out) throws IOException {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no LTX files to apply");
    }
    checkChain(files);
    TempFiles.Temp temp = TempFiles.createBeside(out.toAbsolutePath(), Optional.empty());
    Path tmp = temp.path();
    boolean done = false;
    try {
      Result result;
      try (FileChannel db = temp.channel()) {
        LtxApplier applier = LtxApplier.create(db);
        for (Path file : files) {
          try (InputStream in = Files.newInputStream(file)) {
            applier.apply(in);
          } catch (LtxException e) {
            throw new LtxException(file + ": " + e.getMessage(), e);
          }
        }
        db.force(true);
        long written = DatabaseChecksum.of(db, applier.pageSize(), applier.commit());
        if (written != applier.checksum()) {
          throw new IOException(
              tmp
                  + " reads back with checksum "
                  + Checksums.format(written)
                  + " but the applied pages have "
                  + Checksums.format(applier.checksum())
                  + ": the storage did not keep what was written");
        }
        result =
            new Result(
                files.size(),
                applier.txid(),
                applier.pageSize(),
                applier.commit(),
                applier.checksum(),
                applier.timestamp());
      }
      for (String suffix : List.of("-wal", "-shm", "-journal")) {
        Files.deleteIfExists(out.resolveSibling(out.getFileName() + suffix));
      }
      AtomicFiles.move(tmp, out);
      AtomicFiles.fsyncDirectory(out.toAbsolutePath().getParent());
      done = true;
      return result;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Reads every header and checks that the files form one unbroken chain from a snapshot. */
  static void checkChain(List<Path> files) throws IOException {
    List<LtxHeader> headers = new ArrayList<>(files.size());
    for (Path file : files) {
      headers.add(readHeader(file));
    }
    LtxHeader first = headers.getFirst();
    if (!first.isSnapshot()) {
      throw new LtxException(
          files.getFirst()
              + " starts at TXID "
              + Txid.format(first.minTxid())
              + ": the first file must be a snapshot (min TXID 0000000000000001)");
    }
    for (int i = 1; i < headers.size(); i++) {
      LtxHeader prev = headers.get(i - 1);
      LtxHeader h = headers.get(i);
      Path file = files.get(i);
      String prefix =
          file
              + " (TXIDs "
              + range(h)
              + ") does not continue "
              + files.get(i - 1)
              + " (TXIDs "
              + range(prev)
              + ")";
      if (h.pageSize() != prev.pageSize()) {
        throw new LtxException(
            prefix
                + ": its pages are "
                + h.pageSize()
                + " bytes, the database's are "
                + prev.pageSize()
                + " bytes");
      }
      long expected = prev.maxTxid() + 1;
      if (h.minTxid() != expected) {
        String what =
            Long.compareUnsigned(h.minTxid(), expected) > 0
                ? "a gap: TXIDs "
                    + Txid.format(expected)
                    + ".."
                    + Txid.format(h.minTxid() - 1)
                    + " are missing"
                : "an overlap: it repeats TXIDs that are already applied";
        throw new LtxException(
            prefix + ": expected min TXID " + Txid.format(expected) + "; found " + what);
      }
    }
  }

  private static LtxHeader readHeader(Path file) throws IOException {
    byte[] b;
    try (InputStream in = Files.newInputStream(file)) {
      b = in.readNBytes(LtxHeader.SIZE);
    }
    try {
      if (b.length == 0) {
        throw new LtxException("file is empty (0 bytes): not an LTX file");
      }
      return LtxHeader.decode(b);
    } catch (LtxException e) {
      throw new LtxException(file + ": " + e.getMessage(), e);
    }
  }

  private static String range(LtxHeader h) {
    return Txid.format(h.minTxid()) + ".." + Txid.format(h.maxTxid());
  }
}
