package io.litestream4j.replica;

import java.util.HexFormat;
import java.util.Optional;

/**
 * The TXID range encoded in an LTX file name, {@code %016x-%016x.ltx} of the min and max TXID.
 *
 * <p>Exists so every backend formats and recognises replica file names identically (and exactly as
 * Litestream does). {@link #parse} is strict: anything that is not 16 lower-case hex digits, a dash,
 * 16 lower-case hex digits and {@code .ltx}, with {@code 1 <= min <= max}, is not an LTX file name.
 */
public record LtxFileName(long minTxid, long maxTxid) {

  private static final int NAME_LENGTH = 16 + 1 + 16 + 4;

  public LtxFileName {
    LtxFileInfo.checkTxids(minTxid, maxTxid);
  }

  /** Formats the file name of the LTX file covering {@code minTxid..maxTxid}. */
  public static String format(long minTxid, long maxTxid) {
    return new LtxFileName(minTxid, maxTxid).toString();
  }

  /** Parses a file name; empty when {@code name} is not a well-formed LTX file name. */
  public static Optional<LtxFileName> parse(String name) {
    if (name.length() != NAME_LENGTH || name.charAt(16) != '-' || !name.endsWith(".ltx")) {
      return Optional.empty();
    }
    String min = name.substring(0, 16);
    String max = name.substring(17, 33);
    if (!isLowerHex(min) || !isLowerHex(max)) {
      return Optional.empty();
    }
    long minTxid = HexFormat.fromHexDigitsToLong(min);
    long maxTxid = HexFormat.fromHexDigitsToLong(max);
    if (minTxid < 1 || maxTxid < minTxid) {
      return Optional.empty();
    }
    return Optional.of(new LtxFileName(minTxid, maxTxid));
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "%016x-%016x.ltx".formatted(minTxid, maxTxid);
  }
}
