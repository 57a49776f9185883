package io.litestream4j.replica;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The storage a replica lives on: the one interface every backend (file, s3, gs, abs, sftp, webdav,
 * nats, ...) implements, and all the replication engine needs from it.
 *
 * <p>A replica is a set of immutable LTX files addressed by (level, min TXID, max TXID). Files are
 * written whole and atomically: a reader either sees a complete file or none at all. The file's
 * creation time is the timestamp in its LTX header, kept by the backend (as object metadata or file
 * modification time) so point-in-time restore can select files by time.
 *
 * <p>Every method may block on I/O and reports failures as {@link IOException}s whose messages name
 * the backend location and, where possible, what to do about it. Implementations must be safe for
 * concurrent use by multiple threads.
 */
public interface ReplicaClient extends AutoCloseable {

  /** The backend type, equal to its URL scheme: {@code "file"}, {@code "s3"}, ... */
  String type();

  /**
   * Connects to and validates the backend (credentials, bucket, reachable host). Idempotent:
   * calling it again after success does nothing. Other methods may call it lazily.
   */
  void init() throws IOException;

  /**
   * Lists the files at {@code level} whose min TXID is at least {@code seekTxid}, ordered by min
   * TXID (then max TXID). An empty or missing level gives an empty list. Names that are not LTX
   * file names, and partly written uploads, are never listed.
   *
   * <p>{@link LtxFileInfo#createdAt()} is the header timestamp on backends that can list it
   * cheaply; others (S3, OSS) report the upload time here and the exact timestamp only from {@link
   * #ltxFilesWithExactTimestamps}.
   */
  List<LtxFileInfo> ltxFiles(int level, long seekTxid) throws IOException;

  /**
   * Lists every level, 0 to 9, as {@link #ltxFiles}{@code (level, 0)} would, indexed by level.
   * Whatever the backend does, no level may be listed before a lower one (the order {@code
   * ReplicaCatalog.listLevels} explains). This default lists the levels one after the other; a
   * backend whose listing returns names in order across levels overrides it to list the whole
   * replica at once (one request instead of ten on an object store).
   */
  default List<List<LtxFileInfo>> ltxFilesOfAllLevels() throws IOException {
    List<List<LtxFileInfo>> levels = new ArrayList<>();
    for (int level = LtxFileInfo.L0; level <= LtxFileInfo.SNAPSHOT_LEVEL; level++) {
      levels.add(ltxFiles(level, 0));
    }
    return levels;
  }

  /**
   * Like {@link #ltxFiles} but guarantees {@code createdAt} is the LTX header timestamp, at
   * whatever extra cost the backend needs (one metadata request per file on S3). Used by
   * timestamp-based restores only. Backends whose listing already carries the header timestamp keep
   * this default.
   */
  default List<LtxFileInfo> ltxFilesWithExactTimestamps(int level, long seekTxid)
      throws IOException {
    return ltxFiles(level, seekTxid);
  }

  /**
   * Opens {@code length} bytes of an LTX file starting at byte {@code offset}; {@code length} 0
   * reads to the end of the file. An offset at or beyond the end gives an empty stream. The caller
   * must close the stream.
   *
   * @throws LtxFileNotFoundException if the file does not exist
   */
  InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException;

  /**
   * Stores the complete LTX file read from {@code data} (which must start with the file's LTX
   * header and is read to its end, but not closed) as {@code level/minTxid-maxTxid}, replacing any
   * file of that name. The file becomes visible only once completely stored.
   *
   * @return the stored file, with its size and the header timestamp as creation time
   * @throws IOException if storing fails, or the data is not an LTX file for that TXID range; no
   *     partial file is left visible
   */
  LtxFileInfo writeLtxFile(int level, long minTxid, long maxTxid, InputStream data)
      throws IOException;

  /**
   * Deletes the given files (identified by level and TXID range). Files that are already gone are
   * not an error. On failure some of the files may have been deleted.
   */
  void deleteLtxFiles(Collection<LtxFileInfo> files) throws IOException;

  /**
   * Deletes temporary files of interrupted uploads (a crash, {@code kill -9}) that this backend's
   * own naming pattern identifies and that were last modified before {@code olderThan}; uploads in
   * progress are never touched. Backends whose partial uploads are invisible keep this default.
   *
   * @return where the deleted files were
   */
  default List<java.nio.file.Path> deleteStaleTemporaryFiles(java.time.Instant olderThan)
      throws IOException {
    return List.of();
  }

  /** Deletes everything stored under this replica's path. An empty replica is not an error. */
  void deleteAll() throws IOException;

  /** Releases connections and other resources; the client cannot be used afterwards. */
  @Override
  void close() throws IOException;
}
