package io.litestream4j.restore.v3;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * File names of Litestream 0.3 backups. Litestream writes indexes and offsets as at least 8 hex
 * digits; up to 16 are accepted, so WAL offsets past 4 GiB parse (Litestream issue 1442).
 */
public final class V3Names {
  private static final Pattern GENERATION = Pattern.compile("[0-9a-f]{16}");
  private static final Pattern SNAPSHOT = Pattern.compile("([0-9a-f]{8,16})\\.snapshot\\.lz4");
  private static final Pattern WAL =
      Pattern.compile("([0-9a-f]{8,16})_([0-9a-f]{8,16})\\.wal\\.lz4");

  private V3Names() {}

  public static boolean isGeneration(String name) {
    return GENERATION.matcher(name).matches();
  }

  /** The index of a snapshot file name. */
  public static Optional<Long> snapshotIndex(String name) {
    Matcher m = SNAPSHOT.matcher(name);
    return m.matches() ? Optional.of(Long.parseUnsignedLong(m.group(1), 16)) : Optional.empty();
  }

  /** Index and offset of a WAL segment file name. */
  public static Optional<long[]> walSegment(String name) {
    Matcher m = WAL.matcher(name);
    return m.matches()
        ? Optional.of(
            new long[] {
              Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)
            })
        : Optional.empty();
  }

  public static String snapshot(long index) {
    return String.format("%08x.snapshot.lz4", index);
  }

  public static String walSegment(long index, long offset) {
    return String.format("%08x_%08x.wal.lz4", index, offset);
  }

  /** A WAL index as Litestream prints it. */
  public static String index(long index) {
    return String.format("%08x", index);
  }
}
