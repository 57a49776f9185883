package io.litestream4j.follow;

import io.litestream4j.internal.AtomicFiles;
import io.litestream4j.ltx.Txid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where a follower's database is: the TXID, the database checksum at that TXID (over the source's
 * pages), and the source's first 100 bytes of page 1 (the follower rewrites a few header bytes, so
 * the checksum can only be recomputed from the file with the originals put back). Stored in the
 * {@code <db>-txid} sidecar (its first line is the hex TXID, as Litestream's), written atomically
 * before each apply's commit point together with the previous position: after a crash the database
 * is at one of the two, and its checksum says which.
 *
 * @param txid the TXID the database is at
 * @param checksum the database checksum (LTX rolling checksum) at that TXID
 * @param page1Header the source's 100-byte database header at that TXID
 */
public record FollowPosition(long txid, long checksum, byte[] page1Header) {
  static final int HEADER_SIZE = 100;

  public FollowPosition {
    Objects.requireNonNull(page1Header, "page1Header");
    if (page1Header.length != HEADER_SIZE) {
      throw new IllegalArgumentException(
          "page 1 header must be " + HEADER_SIZE + " bytes, got " + page1Header.length);
    }
    page1Header = page1Header.clone();
  }

  @Override
  public byte[] page1Header() {
    return page1Header.clone();
  }

  /** The sidecar of {@code db}. */
  static Path sidecar(Path db) {
    return db.resolveSibling(db.getFileName() + "-txid");
  }

  /** The two positions a sidecar names: the one being applied and the one before it (if any). */
  record Pair(FollowPosition current, Optional<FollowPosition> previous) {}

  static void write(Path db, FollowPosition current, @Nullable FollowPosition previous)
      throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    put(m, "", current);
    if (previous != null) {
      put(m, "previous-", previous);
    }
    StringBuilder sb = new StringBuilder(Txid.format(current.txid)).append('\n');
    m.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    byte[] bytes = sb.toString().getBytes(StandardCharsets.US_ASCII);
    AtomicFiles.write(sidecar(db), out -> out.write(bytes));
  }

  static Optional<Pair> read(Path db) throws IOException {
    Path file = sidecar(db);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    try {
      FollowPosition current = get(m, "");
      Optional<FollowPosition> previous =
          m.containsKey("previous-txid") ? Optional.of(get(m, "previous-")) : Optional.empty();
      return Optional.of(new Pair(current, previous));
    } catch (RuntimeException e) {
      throw new IOException(
          file
              + " is not a litestream4j follow position ("
              + e.getMessage()
              + "); it was written by another tool or damaged: restore again into a new path, or use -force",
          e);
    }
  }

  private static void put(Map<String, String> m, String prefix, FollowPosition p) {
    m.put(prefix + "txid", Txid.format(p.txid));
    m.put(prefix + "checksum", HexFormat.of().toHexDigits(p.checksum));
    m.put(prefix + "page1", HexFormat.of().formatHex(p.page1Header));
  }

  private static FollowPosition get(Map<String, String> m, String prefix) {
    String txid = Objects.requireNonNull(m.get(prefix + "txid"), "no " + prefix + "txid");
    String sum = Objects.requireNonNull(m.get(prefix + "checksum"), "no " + prefix + "checksum");
    String page1 = Objects.requireNonNull(m.get(prefix + "page1"), "no " + prefix + "page1");
    return new FollowPosition(
        Txid.parse(txid), HexFormat.fromHexDigitsToLong(sum), HexFormat.of().parseHex(page1));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FollowPosition p
        && p.txid == txid
        && p.checksum == checksum
        && Arrays.equals(p.page1Header, page1Header);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(txid) * 31 + Long.hashCode(checksum);
  }

  @Override
  public String toString() {
    return "TXID " + Txid.format(txid) + " (checksum " + HexFormat.of().toHexDigits(checksum) + ")";
  }
}
