package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * Every structural rule the decoder enforces, each hit with an otherwise valid file (correct file
 * checksum).
 */
class DecoderValidationTest {
  private static final int PS = 1024;
  private static final LtxHeader INCR =
      LtxHeader.incremental(PS, 20, 2, 3, 0, Checksums.FLAG).withoutChecksums();

  private static byte[] page(int fill) {
    byte[] b = new byte[PS];
    Arrays.fill(b, 0, 10, (byte) fill);
    return b;
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> decodeFails(byte[] file) {
    return assertThatThrownBy(() -> TestFiles.decode(file)).isInstanceOf(LtxException.class);
  }

  @Test
  void rawBuilderMakesValidFiles() throws IOException {
    byte[] file = new RawLtx(INCR).page(3, page(3)).page(7, page(7)).finish(0);
    assertThat(TestFiles.decode(file).pages()).containsOnlyKeys(3, 7);
  }

  @Test
  void emptyAndShortInput() {
    decodeFails(new byte[0]).hasMessageContaining("truncated").hasMessageContaining("offset 0");
    decodeFails(Arrays.copyOf(INCR.encode(), 50)).hasMessageContaining("header");
  }

  @Test
  void badHeaders() {
    byte[] magic = new RawLtx(INCR).finish(0);
    magic[0] = 'X';
    decodeFails(magic).hasMessageContaining("magic");
    decodeFails(new RawLtx(new LtxHeader(4, PS, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)).finish(0))
        .hasMessageContaining("flags");
    decodeFails(new RawLtx(new LtxHeader(0, 3000, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)).finish(0))
        .hasMessageContaining("page size");
    decodeFails(new RawLtx(new LtxHeader(2, PS, 1, 9, 8, 0, 0, 0, 0, 0, 0, 0)).finish(0))
        .hasMessageContaining("out of order");
  }

  @Test
  void pagesOutOfOrderOrDuplicated() {
    decodeFails(new RawLtx(INCR).page(7, page(1)).page(3, page(2)).finish(0))
        .hasMessageContaining("page 3 follows page 7")
        .hasMessageContaining("offset");
    decodeFails(new RawLtx(INCR).page(7, page(1)).page(7, page(2)).finish(0))
        .hasMessageContaining("page 7 appears twice");
  }

  @Test
  void pageAboveCommitOrZero() {
    decodeFails(new RawLtx(INCR).page(21, page(1)).finish(0))
        .hasMessageContaining("above the commit");
    decodeFails(new RawLtx(INCR).page(-1, page(1)).finish(0)).hasMessageContaining("4294967295");
    decodeFails(new RawLtx(INCR).frame(0, 1, new byte[5], page(0)).finish(0))
        .hasMessageContaining("page number 0");
  }

  @Test
  void lockPagePresent() {
    int lock = LockPage.pgno(PS);
    LtxHeader big = new LtxHeader(2, PS, lock + 10, 2, 2, 0, 0, 0, 0, 0, 0, 0);
    decodeFails(new RawLtx(big).page(lock, page(1)).finish(0)).hasMessageContaining("lock page");
  }

  @Test
  void invalidPageFlags() {
    byte[] c = net.jpountz.lz4.LZ4Factory.fastestInstance().fastCompressor().compress(page(1));
    decodeFails(new RawLtx(INCR).frame(3, 3, c, page(1)).finish(0))
        .hasMessageContaining("flags 0x0003");
  }

  @Test
  void wrongDecompressedSize() {
    byte[] shortPage = new byte[PS / 2];
    byte[] c = net.jpountz.lz4.LZ4Factory.fastestInstance().fastCompressor().compress(shortPage);
    decodeFails(new RawLtx(INCR).frame(3, 1, c, shortPage).finish(0))
        .hasMessageContaining("page 3");
    byte[] longPage = new byte[PS * 2];
    byte[] c2 = net.jpountz.lz4.LZ4Factory.fastestInstance().fastCompressor().compress(longPage);
    decodeFails(new RawLtx(INCR).frame(3, 1, c2, longPage).finish(0))
        .hasMessageContaining("page 3");
  }

  @Test
  void impossibleCompressedSize() {
    byte[] huge = new byte[PS * 3];
    decodeFails(new RawLtx(INCR).frame(3, 1, huge, page(0)).finish(0))
        .hasMessageContaining("compressed size");
    decodeFails(new RawLtx(INCR).frame(3, 1, new byte[0], page(0)).finish(0))
        .hasMessageContaining("compressed size 0");
  }

  @Test
  void snapshotMissingPages() {
    LtxHeader snap = new LtxHeader(2, PS, 3, 1, 1, 0, 0, 0, 0, 0, 0, 0);
    decodeFails(new RawLtx(snap).page(1, page(1)).page(3, page(3)).finish(0))
        .hasMessageContaining("skips pages 2..2");
    decodeFails(new RawLtx(snap).page(1, page(1)).page(2, page(3)).finish(0))
        .hasMessageContaining("pages 3..3 are missing");
    decodeFails(new RawLtx(snap).page(2, page(1)).finish(0))
        .hasMessageContaining("skips pages 1..1");
  }

  @Test
  void snapshotChecksumMustMatchPages() {
    LtxHeader snap = LtxHeader.snapshot(PS, 1, 1, 0);
    decodeFails(new RawLtx(snap).page(1, page(1)).finish(Checksums.FLAG | 77))
        .hasMessageContaining("differs from the checksum of its pages");
  }

  @Test
  void indexMismatch() {
    RawLtx missing = new RawLtx(INCR).page(3, page(1)).page(4, page(2));
    decodeFails(missing.endPages().index(missing.frames().subList(0, 1)).finishAfterIndex(0))
        .hasMessageContaining("1 entries but the file has 2 page frames");

    RawLtx extra = new RawLtx(INCR).page(3, page(1));
    List<long[]> entries = new ArrayList<>(extra.frames());
    entries.add(new long[] {9, 200, 20});
    decodeFails(extra.endPages().index(entries).finishAfterIndex(0))
        .hasMessageContaining("more entries");

    RawLtx wrongPgno = new RawLtx(INCR).page(3, page(1));
    long[] f = wrongPgno.frames().getFirst();
    decodeFails(wrongPgno.endPages().index(List.of(new long[] {4, f[1], f[2]})).finishAfterIndex(0))
        .hasMessageContaining("does not match the page frames");

    RawLtx wrongOffset = new RawLtx(INCR).page(3, page(1));
    long[] g = wrongOffset.frames().getFirst();
    decodeFails(
            wrongOffset
                .endPages()
                .index(List.of(new long[] {3, g[1] + 1, g[2]}))
                .finishAfterIndex(0))
        .hasMessageContaining("offset");

    RawLtx wrongLength = new RawLtx(INCR).page(3, page(1));
    decodeFails(wrongLength.endPages().index(wrongLength.frames()).finishWithIndexLength(99, 0))
        .hasMessageContaining("page index length");
  }

  @Test
  void checksumMismatch() throws IOException {
    byte[] file = TestFiles.encode(INCR, Map.of(3, page(1)), 0);
    file[file.length - 1] ^= 1;
    decodeFails(file).hasMessageContaining("file checksum mismatch");
  }

  @Test
  void trailerRules() {
    decodeFails(new RawLtx(INCR).finish(Checksums.FLAG)).hasMessageContaining("post-apply");
    LtxHeader tracked = LtxHeader.incremental(PS, 5, 2, 2, 0, Checksums.FLAG);
    decodeFails(new RawLtx(tracked).finish(0)).hasMessageContaining("post-apply");
  }

  @Test
  void truncationAnywhere() throws IOException {
    byte[] file = TestFiles.encode(INCR, Map.of(3, page(1), 5, page(2)), 0);
    for (int len = 0; len < file.length; len++) {
      byte[] cut = Arrays.copyOf(file, len);
      decodeFails(cut).hasMessageContaining("truncated");
    }
  }

  @Test
  void trailingGarbage() throws IOException {
    byte[] file = TestFiles.encode(INCR, Map.of(3, page(1)), 0);
    decodeFails(Arrays.copyOf(file, file.length + 1)).hasMessageContaining("after the LTX trailer");
  }

  @Test
  void varintOverflow() {
    RawLtx r = new RawLtx(INCR).endPages();
    r.bytes(
        new byte[] {
          (byte) 0xff,
          (byte) 0xff,
          (byte) 0xff,
          (byte) 0xff,
          (byte) 0xff,
          (byte) 0xff,
          (byte) 0xff,
          (byte) 0xff,
          (byte) 0xff,
          (byte) 0x7f
        });
    decodeFails(r.finishAfterIndex(0)).hasMessageContaining("varint overflows");
  }
}
