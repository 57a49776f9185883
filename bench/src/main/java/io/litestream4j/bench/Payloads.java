package io.litestream4j.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Row payloads for the benchmark tables: a {@link SeqMarker} followed by English-like filler that
 * compresses about as well as typical application text (LZ4 roughly 2:1), so compression costs are
 * neither flattered by zeros nor penalised by random bytes. Cheap to produce: a slice of a
 * pre-generated text at a pseudo-random offset. Not thread-safe; one instance per writer thread.
 */
final class Payloads {
  private static final String[] WORDS = {
    "replica",
    "sqlite",
    "page",
    "commit",
    "write",
    "ahead",
    "log",
    "stream",
    "backup",
    "restore",
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "with",
    "was",
    "on",
    "be",
    "database",
    "transaction",
    "checkpoint",
    "snapshot",
    "level",
    "file",
    "order",
    "customer",
    "amount",
    "status",
    "pending",
    "shipped",
    "user",
    "session",
    "token",
    "created",
    "updated",
  };
  private static final byte[] TEXT = text(1 << 16);

  private final SplittableRandom random;

  Payloads(long seed) {
    this.random = new SplittableRandom(seed);
  }

  private static byte[] text(int size) {
    SplittableRandom r = new SplittableRandom(42);
    StringBuilder sb = new StringBuilder(size + 32);
    while (sb.length() < size) {
      sb.append(WORDS[r.nextInt(WORDS.length)]).append(r.nextInt(10) == 0 ? ". " : " ");
      if (r.nextInt(8) == 0) {
        sb.append(r.nextInt(100_000)).append(' ');
      }
    }
    return sb.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A payload of {@code size} bytes (at least {@link SeqMarker#LENGTH}) stamped with {@code seq}.
   */
  byte[] row(long seq, int size) {
    if (size < SeqMarker.LENGTH) {
      throw new IllegalArgumentException(
          "payload of " + size + " bytes cannot hold a sequence marker");
    }
    byte[] out = new byte[size];
    System.arraycopy(SeqMarker.encode(seq), 0, out, 0, SeqMarker.LENGTH);
    int filler = size - SeqMarker.LENGTH;
    int pos = SeqMarker.LENGTH;
    while (filler > 0) {
      int n = Math.min(filler, TEXT.length / 2);
      System.arraycopy(TEXT, random.nextInt(TEXT.length - n + 1), out, pos, n);
      pos += n;
      filler -= n;
    }
    return out;
  }
}
