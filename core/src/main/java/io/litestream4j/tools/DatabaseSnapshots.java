package io.litestream4j.tools;

import io.litestream4j.internal.AtomicFiles;
import io.litestream4j.ltx.Checksums;
import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.ltx.LockPage;
import io.litestream4j.ltx.LtxEncoder;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.LtxTrailer;
import io.litestream4j.sqlite.DatabaseChangedException;
import io.litestream4j.sqlite.DatabaseImage;
import io.litestream4j.sqlite.SqliteFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a SQLite database file into an LTX snapshot (TXID 1, every page, checksums tracked) and
 * computes its rolling checksum, reading the files without SQLite and without changing them.
 *
 * <p>Reads are consistent or fail: a database whose file alone is not the database (uncheckpointed
 * WAL commits that are not included, a hot journal) is refused with {@link
 * io.litestream4j.sqlite.PendingChangesException}, and a read during which a writer changed
 * anything is repeated up to {@link #ATTEMPTS} times before failing with a {@link
 * DatabaseChangedException}. Snapshot files are written atomically (temp, fsync, rename).
 */
public final class DatabaseSnapshots {
  /** Reads attempted before giving up on a database that keeps changing. */
  public static final int ATTEMPTS = 3;

  private DatabaseSnapshots() {}

  /** What {@link #write} produced. */
  public record Snapshot(LtxHeader header, LtxTrailer trailer, int walPages, long bytes) {}

  /** The rolling checksum of a database image and what it covers. */
  public record ImageChecksum(
      long checksum, int pageSize, int pageCount, int walPages, Optional<String> pendingChanges) {}

  /**
   * Writes the database at {@code db} as the LTX snapshot {@code out} (replacing it if present)
   * with TXID 1 and the given timestamp, and sets the file's modification time to that timestamp as
   * Litestream's file replicas do.
   *
   * @param includeWal overlay the committed frames of the database's WAL; without it a WAL holding
   *     commits not yet in the database file is refused
   * @throws io.litestream4j.sqlite.PendingChangesException if the database file alone is incomplete
   * @throws SqliteFormatException if the database is empty or not a SQLite database
   */
  public static Snapshot write(Path db, Path out, boolean includeWal, long timestampMillis)
      throws IOException {
    Objects.requireNonNull(out, "out");
    for (int attempt = 1; ; attempt++) {
      try (DatabaseImage image = DatabaseImage.open(db, includeWal)) {
        image.requireConsistent();
        if (image.isEmpty()) {
          throw new SqliteFormatException(
              db + " is an empty database (0 pages): there is nothing to snapshot");
        }
        LtxHeader header =
            LtxHeader.snapshot(image.pageSize(), image.pageCount(), 1, timestampMillis);
        LtxTrailer[] trailer = new LtxTrailer[1];
        long[] bytes = new long[1];
        AtomicFiles.write(
            out,
            stream -> {
              LtxEncoder encoder = new LtxEncoder(stream, header);
              trailer[0] = encode(image, encoder);
              bytes[0] = encoder.bytesWritten();
              image.checkUnchanged();
            });
        Files.setLastModifiedTime(out, FileTime.fromMillis(timestampMillis));
        return new Snapshot(header, trailer[0], image.walPageCount(), bytes[0]);
      } catch (DatabaseChangedException e) {
        if (attempt == ATTEMPTS) {
          throw giveUp(e);
        }
      }
    }
  }

  /**
   * The rolling checksum of the database at {@code db}: of the database file alone, or with the
   * committed WAL frames overlaid. Pending changes are reported in the result, not refused.
   */
  public static ImageChecksum checksum(Path db, boolean includeWal) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try (DatabaseImage image = DatabaseImage.open(db, includeWal)) {
        long checksum = Checksums.EMPTY_DATABASE;
        if (!image.isEmpty()) {
          checksum = image.checksum();
        }
        image.checkUnchanged();
        return new ImageChecksum(
            checksum,
            image.pageSize(),
            image.pageCount(),
            image.walPageCount(),
            image.pendingChanges());
      } catch (DatabaseChangedException e) {
        if (attempt == ATTEMPTS) {
          throw giveUp(e);
        }
      }
    }
  }

  /**
   * Writes every page of {@code image} (the lock page excepted) to {@code encoder}, whose header
   * must describe the image, and finishes the file with the image's checksum.
   */
  public static LtxTrailer encode(DatabaseImage image, LtxEncoder encoder) throws IOException {
    int pageSize = image.pageSize();
    if (encoder.header().pageSize() != pageSize || encoder.header().commit() != image.pageCount()) {
      throw new IllegalArgumentException(
          "LTX header "
              + encoder.header()
              + " does not describe a database of "
              + image.pageCount()
              + " pages of "
              + pageSize
              + " bytes");
    }
    DatabaseChecksum sum = new DatabaseChecksum(pageSize);
    byte[] page = new byte[pageSize];
    int lock = LockPage.pgno(pageSize);
    for (int pgno = 1; pgno <= image.pageCount(); pgno++) {
      if (pgno != lock) {
        image.readPage(pgno, page);
        sum.setPageChecksum(pgno, encoder.writePage(pgno, page));
      }
    }
    return encoder.finish(encoder.header().hasChecksums() ? sum.value() : 0);
  }

  private static DatabaseChangedException giveUp(DatabaseChangedException e) {
    return new DatabaseChangedException(
        e.getMessage()
            + " on each of "
            + ATTEMPTS
            + " attempts; pause the writers (or replicate it with litestream4j replicate) and try again");
  }
}
