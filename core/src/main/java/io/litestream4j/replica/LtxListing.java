package io.litestream4j.replica;

import io.litestream4j.ltx.LtxFileName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The LTX files of one level gathered from a backend's listing (SDK pages, directory entries,
 * object-store keys), returned as {@link ReplicaClient#ltxFiles} promises.
 *
 * <p>Every backend walks its own listing but keeps the same files by the same rule, written here
 * once: a name that parses as an LTX file name whose min TXID is at least the seek TXID ("min TXID
 * at least seek", not Litestream's exact-prefix match). What else a backend skips (directories,
 * files deleted meanwhile) stays with it: it asks {@link #match} first, looks at the entry, and
 * then {@link #add}s it.
 *
 * <p>Guarantees: {@link #sorted()} gives the files in {@link LtxFileInfo#BY_TXID} order. One
 * listing, one thread: not thread-safe.
 */
public final class LtxListing {

  private final int level;
  private final long seekTxid;
  private final List<LtxFileInfo> files = new ArrayList<>();

  /** A listing of {@code level} keeping the files whose min TXID is at least {@code seekTxid}. */
  public LtxListing(int level, long seekTxid) {
    LtxFileInfo.checkLevel(level);
    this.level = level;
    this.seekTxid = seekTxid;
  }

  /** The LTX file {@code fileName} names (a bare name, no directory), if this listing keeps it. */
  public Optional<LtxFileName> match(String fileName) {
    return kept(LtxFileName.parse(fileName));
  }

  /**
   * The LTX file the object {@code key} denotes (directly inside the level's prefix of {@code
   * keys}), if this listing keeps it.
   */
  public Optional<LtxFileName> match(ObjectKeys keys, String key) {
    return kept(keys.parse(level, key));
  }

  private Optional<LtxFileName> kept(Optional<LtxFileName> name) {
    return name.filter(n -> n.minTxid() >= seekTxid);
  }

  /** Adds a file {@link #match} kept. */
  public void add(LtxFileName name, long size, Instant createdAt) {
    files.add(new LtxFileInfo(level, name.minTxid(), name.maxTxid(), size, createdAt));
  }

  /** The files added so far, by min TXID then max TXID. */
  public List<LtxFileInfo> sorted() {
    files.sort(LtxFileInfo.BY_TXID);
    return files;
  }
}
