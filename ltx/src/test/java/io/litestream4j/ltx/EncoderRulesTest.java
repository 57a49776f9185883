package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class EncoderRulesTest {
  private static final byte[] PAGE = new byte[4096];

  private static LtxEncoder incremental(int commit) throws IOException {
    return new LtxEncoder(
        new ByteArrayOutputStream(), LtxHeader.incremental(4096, commit, 2, 2, 0, Checksums.FLAG));
  }

  @Test
  void rejectsInvalidHeaders() {
    assertThatThrownBy(
            () -> new LtxEncoder(new ByteArrayOutputStream(), LtxHeader.snapshot(1000, 1, 1, 0)))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("page size");
  }

  @Test
  void rejectsOutOfOrderAndDuplicatePages() throws IOException {
    LtxEncoder enc = incremental(10);
    enc.writePage(5, PAGE);
    assertThatThrownBy(() -> enc.writePage(5, PAGE))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("twice");
    LtxEncoder enc2 = incremental(10);
    enc2.writePage(5, PAGE);
    assertThatThrownBy(() -> enc2.writePage(4, PAGE))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("ascending");
    assertThatThrownBy(() -> enc2.writePage(6, PAGE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failed");
  }

  @Test
  void rejectsPagesAboveCommitAndPageZero() throws IOException {
    assertThatThrownBy(() -> incremental(10).writePage(11, PAGE))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("commit");
    assertThatThrownBy(() -> incremental(10).writePage(0, PAGE))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("at least 1");
  }

  @Test
  void rejectsTheLockPage() throws IOException {
    int lock = LockPage.pgno(4096);
    LtxEncoder enc = incremental(lock + 5);
    assertThatThrownBy(() -> enc.writePage(lock, PAGE))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("lock page");
  }

  @Test
  void rejectsWrongPageLength() throws IOException {
    assertThatThrownBy(() -> incremental(10).writePage(1, new byte[100]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void snapshotsMustHaveEveryPage() throws IOException {
    LtxEncoder gap = new LtxEncoder(new ByteArrayOutputStream(), LtxHeader.snapshot(4096, 3, 1, 0));
    gap.writePage(1, PAGE);
    assertThatThrownBy(() -> gap.writePage(3, PAGE))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("missing pages 2..2");

    LtxEncoder shortOne =
        new LtxEncoder(new ByteArrayOutputStream(), LtxHeader.snapshot(4096, 3, 1, 0));
    shortOne.writePage(1, PAGE);
    assertThatThrownBy(() -> shortOne.finish(Checksums.FLAG))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("missing pages 2..3");
  }

  @Test
  void snapshotPostApplyMustMatchItsPages() throws IOException {
    LtxEncoder enc = new LtxEncoder(new ByteArrayOutputStream(), LtxHeader.snapshot(4096, 1, 1, 0));
    enc.writePage(1, PAGE);
    assertThatThrownBy(() -> enc.finish(Checksums.FLAG | 12345))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("differs from the checksum of its pages");
  }

  @Test
  void postApplyChecksumRules() throws IOException {
    assertThatThrownBy(() -> incremental(10).finish(0))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("missing");
    assertThatThrownBy(() -> incremental(10).finish(5))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("malformed");
    LtxEncoder noSums =
        new LtxEncoder(
            new ByteArrayOutputStream(),
            LtxHeader.incremental(4096, 10, 2, 2, 0, 0).withoutChecksums());
    assertThatThrownBy(() -> noSums.finish(Checksums.FLAG))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("flag 0x2");
  }
}
