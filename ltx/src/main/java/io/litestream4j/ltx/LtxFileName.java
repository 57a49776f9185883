package io.litestream4j.ltx;

import java.util.Optional;

/**
 * The name of an LTX file: {@code %016x-%016x.ltx} of its min and max TXID in lower-case hex, as
 * Litestream names files on every replica backend. Parsing is strict (exactly that shape,
 * lower-case only, {@code 1 <= min <= max}) so foreign files in a replica directory are ignored
 * rather than misread. Constructing a name does not validate, so headers can be named in error
 * messages.
 */
public record LtxFileName(long minTxid, long maxTxid) {
  private static final int LENGTH = 16 + 1 + 16 + 4;

  /** The file name, e.g. {@code 0000000000000001-0000000000000003.ltx}. */
  public String name() {
    return Txid.format(minTxid) + '-' + Txid.format(maxTxid) + ".ltx";
  }

  /** The file name of the LTX file covering {@code minTxid..maxTxid}. */
  public static String format(long minTxid, long maxTxid) {
    return new LtxFileName(minTxid, maxTxid).name();
  }

  @Override
  public String toString() {
    return name();
  }

  /**
   * Parses a bare file name (no directories); empty if it is not an LTX file name, including a name
   * whose range no writer produces (min 0, min above max, or a TXID beyond {@link Long#MAX_VALUE}).
   */
  public static Optional<LtxFileName> parse(String name) {
    if (name == null
        || name.length() != LENGTH
        || name.charAt(16) != '-'
        || !name.endsWith(".ltx")) {
      return Optional.empty();
    }
    String min = name.substring(0, 16);
    String max = name.substring(17, 33);
    if (!isLowerHex(min) || !isLowerHex(max)) {
      return Optional.empty();
    }
    long minTxid = Txid.parse(min);
    long maxTxid = Txid.parse(max);
    if (minTxid < 1 || maxTxid < minTxid) {
      return Optional.empty();
    }
    return Optional.of(new LtxFileName(minTxid, maxTxid));
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
