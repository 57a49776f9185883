package io.litestream4j.s3;

import io.litestream4j.ltx.LtxFileName;
import io.litestream4j.replica.ObjectKeys;
import java.util.Optional;

/**
 * Object keys of an S3 (or OSS) replica: Litestream's {@link ObjectKeys.Layout#HEX_LEVELS} layout
 * ({@code <path>/<level as %04x>/<min>-<max>.ltx}) plus the lease at {@code <path>/lock.json}. Like
 * Litestream, an empty path gives LTX keys with a leading slash ({@code /0000/...}) but a lease key
 * without one ({@code lock.json}).
 */
record S3Keys(String path) {

  private ObjectKeys layout() {
    return new ObjectKeys(path, ObjectKeys.Layout.HEX_LEVELS);
  }

  /** Everything of this replica starts with this. */
  String rootPrefix() {
    return layout().rootPrefix();
  }

  String levelPrefix(int level) {
    return layout().levelPrefix(level);
  }

  String ltxKey(int level, long minTxid, long maxTxid) {
    return layout().ltxKey(level, minTxid, maxTxid);
  }

  String lockKey() {
    return layout().lockKey();
  }

  /** The file a listed key names, if it is an LTX file directly inside {@code level}'s prefix. */
  Optional<LtxFileName> parse(int level, String key) {
    return layout().parse(level, key);
  }
}
