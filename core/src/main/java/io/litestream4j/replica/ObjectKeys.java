package io.litestream4j.replica;

import io.litestream4j.ltx.LtxFileName;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Object names of a replica on an object store, exactly as Litestream lays them out so either tool
 * reads the other's replicas. Two layouts exist:
 *
 * <ul>
 *   <li>{@link Layout#HEX_LEVELS} (s3, oss): {@code <path>/<level as 4 lower-case hex
 *       digits>/<min>-<max>.ltx}; an empty path gives names with a leading slash ({@code
 *       /0000/...}), as Litestream writes.
 *   <li>{@link Layout#LTX_DIRECTORIES} (gs, abs, and the file backend's directories): {@code
 *       <path>/ltx/<level in decimal>/<min>-<max>.ltx}, joined like Go's {@code path.Join} (an
 *       empty path gives {@code ltx/0/...}).
 * </ul>
 *
 * <p>Names sort by min TXID within a level (fixed-width hex), which is what lets a listing start at
 * {@link #seekStart} instead of filtering everything.
 *
 * @param path the replica's path (object prefix) without leading or trailing slashes, possibly
 *     empty
 * @param layout which of Litestream's layouts the backend uses
 */
public record ObjectKeys(String path, Layout layout) {

  private static final String LOCK_FILE = "lock.json";

  /** Litestream's two object layouts. */
  public enum Layout {
    HEX_LEVELS,
    LTX_DIRECTORIES
  }

  public ObjectKeys {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(layout, "layout");
    if (path.startsWith("/") || path.endsWith("/")) {
      throw new IllegalArgumentException(
          "replica path must not start or end with '/', got '" + path + "'");
    }
  }

  /**
   * The key of the replica's lease, {@code <path>/lock.json}, or {@code lock.json} with an empty
   * path (in both layouts, as Litestream names it).
   */
  public String lockKey() {
    return path.isEmpty() ? LOCK_FILE : path + "/" + LOCK_FILE;
  }

  /**
   * Every object of this replica (and of nothing else) starts with this: {@code <path>/}, or with
   * an empty path {@code /} (hex levels) or {@code ltx/} (so an empty path never means "the whole
   * bucket").
   */
  public String rootPrefix() {
    if (layout == Layout.LTX_DIRECTORIES && path.isEmpty()) {
      return "ltx/";
    }
    return path + "/";
  }

  /** The prefix of the objects of {@code level}, ending with a slash. */
  public String levelPrefix(int level) {
    LtxFileInfo.checkLevel(level);
    return switch (layout) {
      case HEX_LEVELS -> path + "/" + "%04x/".formatted(level);
      case LTX_DIRECTORIES -> (path.isEmpty() ? "" : path + "/") + "ltx/" + level + "/";
    };
  }

  /**
   * The prefix every level's objects share and nothing else of the replica has ({@code <path>/000}
   * in the hex layout, whose levels 0..9 are {@code 0000}..{@code 0009}; {@code <path>/ltx/} in the
   * other). A listing of it returns the levels in ascending order.
   */
  public String allLevelsPrefix() {
    return switch (layout) {
      case HEX_LEVELS -> path + "/000";
      case LTX_DIRECTORIES -> (path.isEmpty() ? "" : path + "/") + "ltx/";
    };
  }

  /**
   * The level a key listed under {@link #allLevelsPrefix} belongs to, and the LTX file it names, if
   * it is an LTX file name directly inside a level's prefix.
   */
  public Optional<LtxFileInfo> parseAnyLevel(String key, long size, Instant createdAt) {
    String all = allLevelsPrefix();
    if (key.length() <= all.length() || !key.startsWith(all)) {
      return Optional.empty();
    }
    // Both layouts put the level's one decimal digit right after the common prefix.
    int level = Character.digit(key.charAt(all.length()), 10);
    if (level < LtxFileInfo.L0 || level > LtxFileInfo.SNAPSHOT_LEVEL) {
      return Optional.empty();
    }
    return parse(level, key)
        .map(n -> new LtxFileInfo(level, n.minTxid(), n.maxTxid(), size, createdAt));
  }

  /** The name of the file {@code level/minTxid-maxTxid}. */
  public String ltxKey(int level, long minTxid, long maxTxid) {
    LtxFileInfo.checkTxids(minTxid, maxTxid);
    return levelPrefix(level) + LtxFileName.format(minTxid, maxTxid);
  }

  /** The name of the file {@code info} describes. */
  public String ltxKey(LtxFileInfo info) {
    return ltxKey(info.level(), info.minTxid(), info.maxTxid());
  }

  /**
   * A name that sorts before every file of {@code level} whose min TXID is at least {@code
   * seekTxid} and after every file with a smaller min TXID: where a listing sorted by name may
   * start ("start after" / "start offset"). Litestream's gs and abs clients use the seek TXID as an
   * exact prefix instead, which misses files that do not start exactly at it; this does not.
   */
  public String seekStart(int level, long seekTxid) {
    String prefix = levelPrefix(level);
    return seekTxid <= 1 ? prefix : prefix + "%016x".formatted(seekTxid);
  }

  /**
   * The file a listed name denotes, if it is an LTX file name directly inside {@code level}'s
   * prefix.
   */
  public Optional<LtxFileName> parse(int level, String key) {
    String prefix = levelPrefix(level);
    if (!key.startsWith(prefix)) {
      return Optional.empty();
    }
    String name = key.substring(prefix.length());
    return name.indexOf('/') >= 0 ? Optional.empty() : LtxFileName.parse(name);
  }

  /** Strips leading and trailing slashes from a configured path, so it can be used here. */
  public static String trimSlashes(String path) {
    int start = 0;
    int end = path.length();
    while (start < end && path.charAt(start) == '/') {
      start++;
    }
    while (end > start && path.charAt(end - 1) == '/') {
      end--;
    }
    return path.substring(start, end);
  }
}
