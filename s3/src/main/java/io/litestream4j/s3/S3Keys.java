package io.litestream4j.s3;

import io.litestream4j.ltx.LtxFileName;
import io.litestream4j.replica.LtxFileInfo;
import java.util.Optional;

/**
 * Object keys of a replica, exactly as Litestream lays them out so replicas are interchangeable:
 * {@code <path>/<level as 4 lower-case hex digits>/<min>-<max>.ltx} and the lease at
 * {@code <path>/lock.json}. Like Litestream, an empty path gives keys with a leading slash
 * ({@code /0000/...}) but a lease key without one ({@code lock.json}).
 */
record S3Keys(String path) {

  static final String LOCK_FILE = "lock.json";

  /** Everything of this replica starts with this. */
  String rootPrefix() {
    return path + "/";
  }

  String levelPrefix(int level) {
    LtxFileInfo.checkLevel(level);
    return path + "/" + "%04x/".formatted(level);
  }

  String ltxKey(int level, long minTxid, long maxTxid) {
    String prefix = levelPrefix(level);
    LtxFileInfo.checkTxids(minTxid, maxTxid);
    return prefix + LtxFileName.format(minTxid, maxTxid);
  }

  String lockKey() {
    return path.isEmpty() ? LOCK_FILE : path + "/" + LOCK_FILE;
  }

  /** The file a listed key names, if it is an LTX file directly inside {@code level}'s prefix. */
  Optional<LtxFileName> parse(int level, String key) {
    String prefix = levelPrefix(level);
    if (!key.startsWith(prefix)) {
      return Optional.empty();
    }
    String name = key.substring(prefix.length());
    return name.indexOf('/') >= 0 ? Optional.empty() : LtxFileName.parse(name);
  }
}
