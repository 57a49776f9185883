package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class LtxHeaderTest {
  private static final LtxHeader VALID =
      LtxHeader.incremental(4096, 10, 5, 7, 1_700_000_000_000L, Checksums.FLAG | 99);

  @Test
  void encodesTheDocumentedLayout() {
    LtxHeader h = new LtxHeader(2, 4096, 3, 1, 2, 0x0102030405060708L, 0, 32, 4152, 0x11, 0x22, 9);
    byte[] b = h.encode();
    assertThat(b).hasSize(LtxHeader.SIZE);
    assertThat(Arrays.copyOfRange(b, 0, 4)).isEqualTo("LTX1".getBytes());
    assertThat(b[7]).isEqualTo((byte) 2);
    assertThat(b[10]).isEqualTo((byte) 0x10);
    assertThat(b[15]).isEqualTo((byte) 3);
    assertThat(b[23]).isEqualTo((byte) 1);
    assertThat(b[31]).isEqualTo((byte) 2);
    assertThat(b[32]).isEqualTo((byte) 1);
    assertThat(b[39]).isEqualTo((byte) 8);
    assertThat(b[55]).isEqualTo((byte) 32);
    assertThat(b[67]).isEqualTo((byte) 0x11);
    assertThat(b[71]).isEqualTo((byte) 0x22);
    assertThat(b[79]).isEqualTo((byte) 9);
    assertThat(Arrays.copyOfRange(b, 80, 100)).containsOnly(0);
  }

  @Property(tries = 200)
  void roundTrips(@ForAll("headers") LtxHeader h) throws LtxException {
    assertThat(LtxHeader.decodeUnvalidated(h.encode())).isEqualTo(h);
  }

  @Provide
  Arbitrary<LtxHeader> headers() {
    Arbitrary<Integer> ints = Arbitraries.integers();
    Arbitrary<Long> longs = Arbitraries.longs();
    return Combinators.combine(ints, ints, ints, longs, longs, longs, longs, longs)
        .flatAs(
            (f, ps, c, min, max, ts, pre, off) ->
                Combinators.combine(longs, ints, ints, longs)
                    .as(
                        (size, s1, s2, node) ->
                            new LtxHeader(f, ps, c, min, max, ts, pre, off, size, s1, s2, node)));
  }

  @Test
  void factoriesProduceValidHeaders() throws LtxException {
    LtxHeader s = LtxHeader.snapshot(4096, 3, 7, 1000).validate();
    assertThat(s.isSnapshot()).isTrue();
    assertThat(s.hasChecksums()).isTrue();
    assertThat(VALID.validate().isSnapshot()).isFalse();
    assertThat(VALID.withoutChecksums().validate().preApplyChecksum()).isZero();
    assertThat(VALID.withWal(32, 4152, 1, 2).validate().walSalt1()).isEqualTo(1);
  }

  @Test
  void rejectsBadMagic() {
    byte[] b = VALID.encode();
    b[3] = '2';
    assertThatThrownBy(() -> LtxHeader.decode(b))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("magic");
    assertThatThrownBy(() -> LtxHeader.decode(new byte[10]))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("100 bytes");
  }

  @Test
  void rejectsEveryBrokenRule() {
    expectInvalid(new LtxHeader(1, 4096, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0), "flags 0x00000001");
    expectInvalid(new LtxHeader(0x80000002, 4096, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0), "flags");
    expectInvalid(new LtxHeader(0, 1000, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0), "page size 1000");
    expectInvalid(new LtxHeader(0, 256, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0), "page size 256");
    expectInvalid(new LtxHeader(0, 131072, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0), "page size 131072");
    expectInvalid(new LtxHeader(0, 4096, -1, 1, 1, 0, 0, 0, 0, 0, 0, 0), "commit 4294967295");
    expectInvalid(
        new LtxHeader(0, 4096, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0), "min TXID must be at least 1");
    expectInvalid(
        new LtxHeader(0, 4096, 1, 5, 4, 0, Checksums.FLAG, 0, 0, 0, 0, 0), "out of order");
    expectInvalid(
        new LtxHeader(0, 4096, 1, 1, 1, 0, 0, -1, 0, 0, 0, 0), "WAL offset cannot be negative");
    expectInvalid(
        new LtxHeader(0, 4096, 1, 1, 1, 0, 0, 32, -1, 0, 0, 0), "WAL size cannot be negative");
    expectInvalid(new LtxHeader(0, 4096, 1, 1, 1, 0, 0, 0, 0, 5, 0, 0), "salts");
    expectInvalid(new LtxHeader(0, 4096, 1, 1, 1, 0, 0, 0, 0, 0, 5, 0), "salts");
    expectInvalid(new LtxHeader(0, 4096, 1, 1, 1, 0, 0, 0, 100, 0, 0, 0), "WAL size is 100");
    expectInvalid(
        new LtxHeader(0, 4096, 1, 1, 1, 0, Checksums.FLAG, 0, 0, 0, 0, 0),
        "must be 0 on a snapshot");
    expectInvalid(new LtxHeader(2, 4096, 1, 2, 2, 0, Checksums.FLAG, 0, 0, 0, 0, 0), "flag 0x2");
    expectInvalid(new LtxHeader(0, 4096, 1, 2, 2, 0, 0, 0, 0, 0, 0, 0), "required");
    expectInvalid(new LtxHeader(0, 4096, 1, 2, 2, 0, 5, 0, 0, 0, 0, 0), "top bit");
  }

  @Test
  void acceptsUnsignedTxidsAndWalPositions() throws LtxException {
    new LtxHeader(2, 65536, 0, 2, -1L, -5, 0, 32, 0, 1, 2, -1L).validate();
    new LtxHeader(0, 512, Integer.MAX_VALUE, 1, 1, 0, 0, 0, 0, 0, 0, 0).validate();
  }

  private static void expectInvalid(LtxHeader h, String message) {
    assertThatThrownBy(h::validate).isInstanceOf(LtxException.class).hasMessageContaining(message);
    assertThatThrownBy(() -> LtxHeader.decode(h.encode()))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining(message);
  }
}
