package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.junit.jupiter.api.Test;

/**
 * {@link Lz4Block} against lz4-java: the same output for everything lz4-java's compressors write
 * and everything its safe decompressor accepts, and on hostile input only an {@link
 * IllegalArgumentException}, never a read or write outside the ranges given.
 */
class Lz4BlockTest {
  private static final LZ4Factory SAFE = LZ4Factory.safeInstance();
  private static final LZ4Factory FASTEST = LZ4Factory.fastestInstance();
  private static final LZ4SafeDecompressor REFERENCE = SAFE.safeDecompressor();

  private static final List<LZ4Compressor> COMPRESSORS =
      List.of(
          SAFE.fastCompressor(),
          SAFE.highCompressor(),
          SAFE.highCompressor(17),
          FASTEST.fastCompressor(),
          FASTEST.highCompressor());

  private static final int[] SIZES = {
    0, 1, 2, 4, 5, 11, 12, 13, 14, 20, 64, 100, 255, 256, 1000, 4095, 4096, 4097, 65535, 65536,
    65537, 200_000
  };

  // ---------------------------------------------------------------------------------------------
  // Data sets

  private static byte[] random(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  /** Short periods: the compressor's matches overlap their own output (offset < length). */
  private static byte[] periodic(Random rnd, int n, int period) {
    byte[] unit = random(rnd, period);
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = unit[i % period];
    }
    return b;
  }

  private static byte[] textLike(Random rnd, int n) {
    String[] words = {
      "the ",
      "page ",
      "sqlite ",
      "litestream ",
      "replica ",
      "of ",
      "and ",
      "WAL ",
      "frame ",
      "checksum ",
      "INSERT INTO t VALUES(",
      "1, ",
      "'hello', ",
      "NULL);\n",
      "a",
      "é",
      "\t"
    };
    StringBuilder sb = new StringBuilder();
    while (sb.length() < n) {
      sb.append(words[rnd.nextInt(words.length)]);
    }
    return Arrays.copyOf(sb.toString().getBytes(StandardCharsets.UTF_8), n);
  }

  /** Runs of a few values (as in SQLite pages): zeros, short runs, random stretches. */
  private static byte[] mixed(Random rnd, int n) {
    byte[] b = new byte[n];
    int i = 0;
    while (i < n) {
      int len = Math.min(n - i, 1 + rnd.nextInt(300));
      switch (rnd.nextInt(4)) {
        case 0 -> i += len; // zeros
        case 1 -> {
          Arrays.fill(b, i, i + len, (byte) rnd.nextInt(4));
          i += len;
        }
        case 2 -> {
          for (int j = 0; j < len; j++) {
            b[i++] = (byte) rnd.nextInt(256);
          }
        }
        default -> {
          int back = 1 + rnd.nextInt(Math.max(1, Math.min(i, 5000)));
          for (int j = 0; j < len; j++, i++) {
            b[i] = i >= back ? b[i - back] : 0;
          }
        }
      }
    }
    return b;
  }

  private static List<byte[]> dataSets() {
    Random rnd = new Random(42);
    List<byte[]> sets = new ArrayList<>();
    for (int n : SIZES) {
      sets.add(random(rnd, n));
      sets.add(new byte[n]);
      sets.add(periodic(rnd, n, 1 + rnd.nextInt(3)));
      sets.add(periodic(rnd, n, 3 + rnd.nextInt(30)));
      sets.add(textLike(rnd, n));
      sets.add(mixed(rnd, n));
    }
    return sets;
  }

  private static byte[] compress(LZ4Compressor c, byte[] data) {
    byte[] out = new byte[c.maxCompressedLength(data.length)];
    int n = c.compress(data, 0, data.length, out, 0, out.length);
    return Arrays.copyOf(out, n);
  }

  /** A block of the data sets, with the data it decodes to. */
  private static final class Sample {
    private final byte[] data;
    private final byte[] block;

    Sample(byte[] data, byte[] block) {
      this.data = data;
      this.block = block;
    }

    byte[] data() {
      return data;
    }

    byte[] block() {
      return block;
    }
  }

  private static List<Sample> samples;

  private static synchronized List<Sample> samples() {
    if (samples == null) {
      List<Sample> list = new ArrayList<>();
      for (byte[] data : dataSets()) {
        for (LZ4Compressor c : COMPRESSORS) {
          list.add(new Sample(data, compress(c, data)));
        }
      }
      samples = List.copyOf(list);
    }
    return samples;
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** A byte-by-byte decoder straight from the format description, for comparison. */
  private static byte[] naiveDecode(byte[] block) {
    byte[] out = new byte[64];
    int d = 0;
    int s = 0;
    while (true) {
      int token = block[s++] & 0xff;
      int lit = token >>> 4;
      if (lit == 15) {
        int b;
        do {
          b = block[s++] & 0xff;
          lit += b;
        } while (b == 255);
      }
      while (out.length < d + lit) {
        out = Arrays.copyOf(out, out.length * 2);
      }
      for (int i = 0; i < lit; i++) {
        out[d++] = block[s++];
      }
      if (s == block.length) {
        return Arrays.copyOf(out, d);
      }
      int offset = (block[s] & 0xff) | (block[s + 1] & 0xff) << 8;
      s += 2;
      int len = (token & 15) + 4;
      if ((token & 15) == 15) {
        int b;
        do {
          b = block[s++] & 0xff;
          len += b;
        } while (b == 255);
      }
      while (out.length < d + len) {
        out = Arrays.copyOf(out, out.length * 2);
      }
      for (int i = 0; i < len; i++, d++) {
        out[d] = out[d - offset];
      }
    }
  }

  /** lz4-java's safe decompressor's output, or null if it refuses the block. */
  private static byte[] reference(byte[] block, int maxLen) {
    byte[] out = new byte[maxLen];
    try {
      int n = REFERENCE.decompress(block, 0, block.length, out, 0, maxLen);
      return Arrays.copyOf(out, n);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static final int GUARD = 37;
  private static final byte SENTINEL = (byte) 0xA5;

  /**
   * Decodes {@code block} (placed between junk in a larger array) into a destination with junk
   * before {@code dstOff} and sentinels after the room; checks that nothing outside the room was
   * written and that the only exception is an IllegalArgumentException. Returns the output, or the
   * exception.
   */
  private static Object decodeGuarded(byte[] block, int maxLen, long seed) {
    Random rnd = new Random(seed);
    int srcOff = rnd.nextInt(GUARD);
    byte[] src = new byte[srcOff + block.length + rnd.nextInt(GUARD)];
    Arrays.fill(src, (byte) rnd.nextInt());
    System.arraycopy(block, 0, src, srcOff, block.length);
    int dstOff = 1 + rnd.nextInt(GUARD);
    byte[] dst = new byte[dstOff + maxLen + GUARD];
    Arrays.fill(dst, SENTINEL);
    byte[] before = dst.clone();
    int n;
    try {
      n = Lz4Block.decompress(src, srcOff, block.length, dst, dstOff, maxLen);
    } catch (IllegalArgumentException e) {
      assertOutsideUntouched(dst, before, dstOff, maxLen);
      assertThat(e.getMessage()).isNotBlank();
      return e;
    }
    assertOutsideUntouched(dst, before, dstOff, maxLen);
    assertThat(n).isBetween(0, maxLen);
    // Nothing past the output either.
    assertThat(Arrays.copyOfRange(dst, dstOff + n, dstOff + maxLen))
        .isEqualTo(Arrays.copyOfRange(before, dstOff + n, dstOff + maxLen));
    return Arrays.copyOfRange(dst, dstOff, dstOff + n);
  }

  private static void assertOutsideUntouched(byte[] dst, byte[] before, int dstOff, int maxLen) {
    assertThat(Arrays.copyOfRange(dst, 0, dstOff)).isEqualTo(Arrays.copyOfRange(before, 0, dstOff));
    assertThat(Arrays.copyOfRange(dst, dstOff + maxLen, dst.length))
        .isEqualTo(Arrays.copyOfRange(before, dstOff + maxLen, dst.length));
  }

  private static byte[] decode(byte[] block, int maxLen) {
    byte[] dst = new byte[maxLen];
    int n = Lz4Block.decompress(block, 0, block.length, dst, 0, maxLen);
    return Arrays.copyOf(dst, n);
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  /** Writes LZ4 sequences by hand (any lengths, offsets, final sequences). */
  private static final class BlockWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private void length(int extra) {
      while (extra >= 255) {
        out.write(255);
        extra -= 255;
      }
      out.write(extra);
    }

    BlockWriter sequence(byte[] literals, int offset, int matchLen) {
      int lit = literals.length;
      int ml = matchLen - 4;
      out.write((Math.min(lit, 15) << 4) | Math.min(ml, 15));
      if (lit >= 15) {
        length(lit - 15);
      }
      out.writeBytes(literals);
      out.write(offset & 0xff);
      out.write(offset >>> 8);
      if (ml >= 15) {
        length(ml - 15);
      }
      return this;
    }

    byte[] last(byte[] literals) {
      int lit = literals.length;
      out.write(Math.min(lit, 15) << 4);
      if (lit >= 15) {
        length(lit - 15);
      }
      out.writeBytes(literals);
      return out.toByteArray();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Valid blocks

  @Test
  void blocksOfLz4JavasCompressorsDecodeToTheDataAndToWhatLz4JavaDecodes() {
    long seed = 0;
    for (Sample s : samples()) {
      int n = s.data().length;
      byte[] exact = decode(s.block(), n);
      assertThat(exact).as("%d bytes, block of %d", n, s.block().length).isEqualTo(s.data());
      assertThat(exact).isEqualTo(reference(s.block(), n));
      // With room to spare, at an offset, between junk.
      assertThat(decodeGuarded(s.block(), n + 100, seed++)).isEqualTo(s.data());
    }
  }

  @Test
  void everyShorterRoomIsRejected() {
    Random rnd = new Random(3);
    for (Sample s : samples()) {
      int n = s.data().length;
      if (n == 0) {
        continue;
      }
      for (int maxLen : new int[] {0, n - 1, rnd.nextInt(n)}) {
        Object r = decodeGuarded(s.block(), maxLen, rnd.nextLong());
        assertThat(r)
            .as("%d bytes into %d", n, maxLen)
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(((Exception) r).getMessage()).contains("bytes of room");
      }
    }
  }

  @Test
  void theEmptyBlockIsOneZeroToken() {
    assertThat(decode(bytes(0), 0)).isEmpty();
    assertThat(decode(bytes(0), 10)).isEmpty();
    assertThat(decode(bytes(0x10, 'x'), 1)).containsExactly('x');
  }

  @Test
  void overlappingMatchesRepeatTheirLastOffsetBytes() {
    Random rnd = new Random(5);
    for (int prefix = 1; prefix <= 24; prefix++) {
      for (int offset = 1; offset <= prefix; offset++) {
        for (int len :
            new int[] {
              4, 5, offset - 1, offset, offset + 1, 2 * offset + 3, 18, 19, 40, 300, 1000
            }) {
          if (len < 4) {
            continue;
          }
          byte[] block =
              new BlockWriter()
                  .sequence(random(rnd, prefix), offset, len)
                  .last(random(rnd, 5 + rnd.nextInt(10)));
          byte[] expected = naiveDecode(block);
          assertThat(decode(block, expected.length))
              .as("prefix %d offset %d length %d", prefix, offset, len)
              .isEqualTo(expected)
              .isEqualTo(reference(block, expected.length));
        }
      }
    }
  }

  /**
   * Random sequences written by hand: long literal and match lengths (several extension bytes),
   * offsets up to 65535, overlapping and not; the last sequence follows the format's end-of-block
   * rules, so lz4-java decodes them too.
   */
  @Test
  void handWrittenSequencesDecodeLikeTheFormatSaysAndLikeLz4Java() {
    Random rnd = new Random(11);
    for (int round = 0; round < 300; round++) {
      BlockWriter w = new BlockWriter();
      int produced = 0;
      int sequences = rnd.nextInt(12);
      for (int i = 0; i < sequences; i++) {
        int lit = rnd.nextInt(4) == 0 ? rnd.nextInt(800) : rnd.nextInt(20);
        if (produced + lit == 0) {
          lit = 1;
        }
        produced += lit;
        int offset =
            rnd.nextBoolean() ? 1 + rnd.nextInt(Math.min(produced, 16)) : 1 + rnd.nextInt(produced);
        offset = Math.min(offset, 65535);
        int len = 4 + (rnd.nextInt(4) == 0 ? rnd.nextInt(1200) : rnd.nextInt(30));
        w.sequence(random(rnd, lit), offset, len);
        produced += len;
      }
      byte[] block = w.last(random(rnd, (sequences == 0 ? 0 : 12) + rnd.nextInt(300)));
      byte[] expected = naiveDecode(block);
      assertThat(decode(block, expected.length)).isEqualTo(expected);
      assertThat(reference(block, expected.length)).isEqualTo(expected);
      assertThat(decodeGuarded(block, expected.length + rnd.nextInt(50), rnd.nextLong()))
          .isEqualTo(expected);
    }
  }

  @Test
  void largeOffsetsReachBackToTheFirstByteOfTheOutput() {
    Random rnd = new Random(9);
    byte[] first = random(rnd, 65535);
    byte[] block = new BlockWriter().sequence(first, 65535, 100).last(random(rnd, 5));
    byte[] out = decode(block, 65535 + 105);
    assertThat(Arrays.copyOfRange(out, 65535, 65635)).isEqualTo(Arrays.copyOfRange(first, 0, 100));
    assertThat(out).isEqualTo(reference(block, out.length));
  }

  /**
   * The format's end-of-block conditions (the last 5 bytes are literals, the last match starts at
   * least 12 bytes before the end) are not enforced: every variant of the end of a block that
   * lz4-java's safe decompressor accepts decodes the same here, and some it refuses decode too.
   * lz4-java checks an approximation of its own: after a literal run that is not the last, at least
   * 8 bytes of input must be left (offset, token, ...), so it accepts a block ending with 4
   * literals after a match with a length byte, or whose last match starts 9 bytes before the end.
   */
  @Test
  void endOfBlockConditionsAreNotEnforcedAndEverythingLz4JavaAcceptsDecodesTheSame() {
    Random rnd = new Random(13);
    int lz4JavaRefused = 0;
    for (int prefix : new int[] {1, 2, 4, 8, 15, 16, 40}) {
      for (int len : new int[] {4, 5, 8, 18, 19, 20, 300}) {
        for (int last = 0; last <= 20; last++) {
          byte[] block =
              new BlockWriter()
                  .sequence(random(rnd, prefix), 1 + rnd.nextInt(prefix), len)
                  .last(random(rnd, last));
          byte[] expected = naiveDecode(block);
          for (int extra : new int[] {0, 1, 64}) {
            byte[] ref = reference(block, expected.length + extra);
            assertThat(decode(block, expected.length + extra)).isEqualTo(expected);
            if (ref != null) {
              assertThat(ref).isEqualTo(expected);
            } else {
              lz4JavaRefused++;
            }
          }
        }
      }
    }
    // lz4-java refuses the shortest endings; we decode them (the sanity check of the loop above).
    assertThat(lz4JavaRefused).isPositive();
    byte[] matchThenEmptyLast = new BlockWriter().sequence(bytes('a'), 1, 4).last(new byte[0]);
    assertThat(reference(matchThenEmptyLast, 5)).isNull();
    assertThat(decode(matchThenEmptyLast, 5)).containsExactly('a', 'a', 'a', 'a', 'a');
    // lz4-java accepts these, against the letter of the end-of-block rules.
    byte[] lastMatch9BeforeEnd =
        new BlockWriter().sequence(bytes('a'), 1, 4).last(bytes(1, 2, 3, 4, 5));
    assertThat(reference(lastMatch9BeforeEnd, 10)).isEqualTo(decode(lastMatch9BeforeEnd, 10));
    byte[] last4Literals = new BlockWriter().sequence(bytes('a'), 1, 20).last(bytes(1, 2, 3, 4));
    assertThat(reference(last4Literals, 25)).isEqualTo(decode(last4Literals, 25));
  }

  @Test
  void theLastSequencesMatchLengthFieldMeansNothing() {
    // lz4-java ignores it too.
    for (int nibble = 0; nibble < 16; nibble++) {
      byte[] block = bytes(0x50 | nibble, 1, 2, 3, 4, 5);
      assertThat(decode(block, 5)).containsExactly(1, 2, 3, 4, 5).isEqualTo(reference(block, 5));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Hostile blocks

  private static IllegalArgumentException rejected(byte[] block, int maxLen) {
    Throwable t = catchThrowable(() -> decode(block, maxLen));
    assertThat(t).isExactlyInstanceOf(IllegalArgumentException.class);
    Object guarded = decodeGuarded(block, maxLen, Arrays.hashCode(block));
    assertThat(guarded).isExactlyInstanceOf(IllegalArgumentException.class);
    assertThat(((Throwable) guarded).getMessage()).isEqualTo(t.getMessage());
    return (IllegalArgumentException) t;
  }

  @Test
  void anEmptyInputIsRejected() {
    assertThat(rejected(new byte[0], 10)).hasMessageContaining("empty block");
    assertThat(rejected(new byte[0], 0)).hasMessageContaining("empty block");
  }

  /**
   * Every truncation of a valid block is rejected, except one that ends right after a literal run:
   * that is a well-formed block on its own (its last token's match length field is ignored, as
   * lz4-java ignores it), and it decodes to a strict prefix of the data, which a caller expecting a
   * whole page sees by the length.
   */
  @Test
  void everyTruncationIsRejectedOrIsAShorterWellFormedBlock() {
    Random rnd = new Random(17);
    for (Sample s : samples()) {
      byte[] block = s.block();
      int n = s.data().length;
      // Every cut of blocks up to 300 bytes; of longer ones the first and last few, some between.
      int edge = n > 5000 ? 8 : 40;
      List<Integer> cuts = new ArrayList<>();
      for (int cut = 0; cut < block.length; cut++) {
        if (block.length <= 300 || cut < edge || cut >= block.length - edge) {
          cuts.add(cut);
        }
      }
      if (block.length > 300) {
        for (int i = 0; i < edge; i++) {
          cuts.add(rnd.nextInt(block.length));
        }
      }
      for (int cut : cuts) {
        byte[] truncated = Arrays.copyOf(block, cut);
        Object r = decodeGuarded(truncated, n, rnd.nextLong());
        if (r instanceof byte[] out) {
          assertThat(out.length).as("cut %d of %d", cut, block.length).isLessThan(n);
          assertThat(out).isEqualTo(Arrays.copyOf(s.data(), out.length));
          // lz4-java refuses some of these (its check of 8 input bytes after a literal run that
          // is not the last), but what it accepts decodes the same.
          byte[] ref = reference(truncated, n);
          if (ref != null) {
            assertThat(ref).isEqualTo(out);
          }
        } else {
          assertThat(r).isInstanceOf(IllegalArgumentException.class);
          assertThat(reference(truncated, n)).as("lz4-java accepts cut %d", cut).isNull();
        }
      }
    }
  }

  @Test
  void truncationsInsideASequenceSayWhere() {
    byte[] block = new BlockWriter().sequence(new byte[20], 1, 300).last(new byte[6]);
    // token(0xFF) 5 literals... : the literal length byte, the offset, the match length bytes.
    assertThat(rejected(Arrays.copyOf(block, 1), 400))
        .hasMessage("block ends inside the literal length of the sequence at byte 0");
    assertThat(rejected(Arrays.copyOf(block, 10), 400))
        .hasMessage("sequence at byte 0 has 20 literals but only 8 bytes of the block are left");
    assertThat(rejected(Arrays.copyOf(block, 23), 400))
        .hasMessage("block ends inside the match offset of the sequence at byte 0");
    assertThat(rejected(Arrays.copyOf(block, 24), 400))
        .hasMessage("block ends inside the match length of the sequence at byte 0");
    assertThat(rejected(Arrays.copyOf(block, 26), 400))
        .hasMessage(
            "block ends at byte 26 after a match: the last sequence must hold literals only");
    assertThat(decode(block, 400)).hasSize(326);
  }

  @Test
  void matchOffsetZeroIsRejected() {
    // lz4-java lets it through (and copies whatever the destination held); the format says invalid.
    byte[] block = bytes(0x10, 'a', 0, 0, 0x50, 1, 2, 3, 4, 5);
    assertThat(rejected(block, 20)).hasMessage("match offset 0 (invalid) at byte 2");
    assertThat(reference(block, 20)).isNotNull();
  }

  @Test
  void matchOffsetsBeforeTheStartOfTheOutputAreRejectedEvenWithBytesBeforeDstOff() {
    Random rnd = new Random(19);
    for (int prefix : new int[] {1, 4, 20, 1000}) {
      for (int offset : new int[] {prefix + 1, prefix + 2, 65535}) {
        if (offset <= prefix) {
          continue;
        }
        byte[] block =
            new BlockWriter().sequence(random(rnd, prefix), offset, 10).last(random(rnd, 12));
        int maxLen = prefix + 30;
        assertThat(rejected(block, maxLen))
            .hasMessageContaining("match offset " + offset)
            .hasMessageContaining("points before the start of the output (" + prefix);
        // In a destination with plenty of bytes before dstOff.
        byte[] dst = new byte[70_000 + maxLen];
        assertThatThrownBy(() -> Lz4Block.decompress(block, 0, block.length, dst, 70_000, maxLen))
            .isExactlyInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @Test
  void whatLiesBeforeDstOffNeverMatters() {
    Random rnd = new Random(23);
    for (Sample s : samples()) {
      if (s.data().length > 70_000) {
        continue;
      }
      int n = s.data().length;
      int dstOff = 1 + rnd.nextInt(70_000);
      byte[] a = random(rnd, dstOff + n);
      byte[] b = new byte[dstOff + n];
      Arrays.fill(b, (byte) 0x5A);
      assertThat(Lz4Block.decompress(s.block(), 0, s.block().length, a, dstOff, n)).isEqualTo(n);
      assertThat(Lz4Block.decompress(s.block(), 0, s.block().length, b, dstOff, n)).isEqualTo(n);
      assertThat(Arrays.copyOfRange(a, dstOff, dstOff + n))
          .isEqualTo(Arrays.copyOfRange(b, dstOff, dstOff + n))
          .isEqualTo(s.data());
    }
  }

  @Test
  void lengthsLongerThanTheInputOrTheRoomAreRejected() {
    // 300 literals announced, 5 present.
    assertThat(rejected(bytes(0xF0, 255, 30, 1, 2, 3, 4, 5), 1000))
        .hasMessage("sequence at byte 0 has 300 literals but only 5 bytes of the block are left");
    // A match of 4 + 15 + 255 * 3 + 7 bytes into a room of 100.
    byte[] block = bytes(0x1F, 'a', 1, 0, 255, 255, 255, 7, 0x50, 1, 2, 3, 4, 5);
    assertThat(rejected(block, 100))
        .hasMessage("sequence at byte 0 decompresses past the 100 bytes of room");
    assertThat(decode(block, 1000)).hasSize(1 + 4 + 15 + 255 * 3 + 7 + 5);
  }

  /** 0xFF bytes enough to carry a length past Integer.MAX_VALUE. */
  private static final int OVERFLOWING_RUN = (Integer.MAX_VALUE - 15) / 255 + 2;

  @Test
  void literalLengthsOverflowingAnIntAreRejected() {
    byte[] block = new byte[1 + OVERFLOWING_RUN + 1];
    Arrays.fill(block, (byte) 0xFF); // token 0xFF, then the run; the last byte ends it (255 too)
    assertThat(rejected(block, 100))
        .hasMessage("literal length of the sequence at byte 0 overflows an int");
  }

  @Test
  void matchLengthsOverflowingAnIntAreRejected() {
    byte[] block = new byte[4 + OVERFLOWING_RUN + 6];
    Arrays.fill(block, (byte) 0xFF);
    block[0] = 0x1F;
    block[1] = 'a';
    block[2] = 1;
    block[3] = 0;
    assertThat(rejected(block, 100))
        .hasMessage("match length of the sequence at byte 0 overflows an int");
  }

  @Test
  void trailingBytesAreRejected() {
    Random rnd = new Random(29);
    for (Sample s : samples()) {
      if (s.data().length > 5000) {
        continue;
      }
      int n = s.data().length;
      // One or two bytes more can never be a well-formed block (an offset needs two, a match
      // must be followed by a last sequence); with room for exactly the data, no number can.
      for (int more = 1; more <= 40; more += more < 3 ? 1 : 13) {
        byte[] longer = Arrays.copyOf(s.block(), s.block().length + more);
        for (int i = s.block().length; i < longer.length; i++) {
          longer[i] = (byte) (rnd.nextBoolean() ? rnd.nextInt(256) : rnd.nextInt(3));
        }
        rejected(longer, n);
        if (more <= 2) {
          rejected(longer, n + 1000);
        }
      }
    }
  }

  /**
   * Random damage to valid blocks (byte changes, insertions, deletions): only
   * IllegalArgumentException, nothing written outside the room; whatever lz4-java accepts decodes
   * the same, unless it has a match offset 0.
   */
  @Test
  void damagedBlocksFailCleanlyAndAgreeWithLz4Java() {
    Random rnd = new Random(31);
    List<Sample> small = new ArrayList<>();
    for (Sample s : samples()) {
      if (s.data().length <= 5000 && s.block().length > 0) {
        small.add(s);
      }
    }
    IntFunction<byte[]> damage =
        i -> {
          Sample s = small.get(i % small.size());
          byte[] b = s.block().clone();
          int edits = 1 + rnd.nextInt(3);
          for (int e = 0; e < edits; e++) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(4)) {
              case 0 -> b[at] = (byte) rnd.nextInt(256);
              case 1 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
              case 2 -> b[at] = (byte) (rnd.nextBoolean() ? 0 : 0xFF);
              default -> {
                if (rnd.nextBoolean() && b.length > 1) {
                  byte[] shorter = new byte[b.length - 1];
                  System.arraycopy(b, 0, shorter, 0, at);
                  System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                  b = shorter;
                } else {
                  byte[] longer = new byte[b.length + 1];
                  System.arraycopy(b, 0, longer, 0, at);
                  longer[at] = (byte) rnd.nextInt(256);
                  System.arraycopy(b, at, longer, at + 1, b.length - at);
                  b = longer;
                }
              }
            }
          }
          return b;
        };
    int rejectedCount = 0;
    for (int i = 0; i < 10_000; i++) {
      Sample s = small.get(i % small.size());
      byte[] damaged = damage.apply(i);
      int maxLen = rnd.nextBoolean() ? s.data().length : s.data().length + rnd.nextInt(300);
      Object r = decodeGuarded(damaged, maxLen, rnd.nextLong());
      byte[] ref = reference(damaged, maxLen);
      if (r instanceof byte[] out) {
        assertThat(out).isEqualTo(naiveDecode(damaged));
        if (ref != null) {
          assertThat(out).isEqualTo(ref);
        }
      } else {
        rejectedCount++;
        if (ref != null) {
          assertThat(((Exception) r).getMessage()).startsWith("match offset 0 ");
        }
      }
    }
    assertThat(rejectedCount).isGreaterThan(1000);
  }

  @Test
  void rangesOutsideTheArraysAreTheCallersBug() {
    byte[] block = bytes(0x10, 'a');
    assertThatThrownBy(() -> Lz4Block.decompress(block, 1, 2, new byte[4], 0, 4))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> Lz4Block.decompress(block, 0, 2, new byte[4], 2, 4))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> Lz4Block.decompress(block, 0, 2, new byte[4], 0, -1))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  // ---------------------------------------------------------------------------------------------
  // Bound

  @Test
  void maxCompressedLengthIsLz4JavasBound() {
    LZ4Compressor c = SAFE.fastCompressor();
    for (int n = 0; n <= 300_000; n++) {
      assertThat(Lz4Block.maxCompressedLength(n)).isEqualTo(c.maxCompressedLength(n));
    }
    for (int n :
        new int[] {1 << 20, 4 << 20, 123_456_789, 0x7E000000 - 255, 0x7E000000 - 1, 1 << 30}) {
      assertThat(Lz4Block.maxCompressedLength(n)).isEqualTo(c.maxCompressedLength(n));
    }
    for (int n : new int[] {-1, Integer.MIN_VALUE, 0x7E000000, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> c.maxCompressedLength(n))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Lz4Block.maxCompressedLength(n))
          .isInstanceOf(IllegalArgumentException.class);
    }
    // What PageCodec asks of it.
    assertThat(Lz4Block.maxCompressedLength(4096)).isEqualTo(4096 + 16 + 16);
    assertThat(Lz4Block.maxCompressedLength(65536)).isEqualTo(65536 + 257 + 16);
  }
}
