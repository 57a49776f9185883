package io.litestream4j.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.ltx.Checksums;
import io.litestream4j.ltx.LtxException;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.LtxPageIndex;
import io.litestream4j.ltx.PageIndexEntry;
import io.litestream4j.testing.SqliteCli;
import java.io.ByteArrayInputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inspector's page table is the file's own page index (offsets and sizes agree with {@link
 * LtxPageIndex}), its page checksums are those of the decoded pages, and a damaged file is reported
 * up to the damage.
 */
class LtxInspectorTest {
  @TempDir Path dir;

  private Path ltx;

  @BeforeEach
  void snapshot() throws Exception {
    Path db = dir.resolve("a.db");
    SqliteCli.create()
        .run(
            db,
            "PRAGMA page_size=1024; CREATE TABLE t(v);"
                + "INSERT INTO t SELECT randomblob(value * 7 % 1500) FROM generate_series(1, 100);");
    ltx = dir.resolve("a.ltx");
    DatabaseSnapshots.write(db, ltx, false, 42);
  }

  @Test
  void pageTableMatchesThePageIndex() throws Exception {
    List<PageIndexEntry> frames = new ArrayList<>();
    List<Long> sums = new ArrayList<>();
    LtxHeader[] seen = new LtxHeader[1];
    LtxInspector.Summary s =
        LtxInspector.inspect(
            Files.newInputStream(ltx),
            new LtxInspector.Visitor() {
              @Override
              public void header(LtxHeader header) {
                seen[0] = header;
              }

              @Override
              public void page(PageIndexEntry frame, long pageChecksum) {
                frames.add(frame);
                sums.add(pageChecksum);
              }
            });

    assertThat(seen[0]).isEqualTo(s.header());
    assertThat(s.bytes()).isEqualTo(Files.size(ltx));
    assertThat(s.pages()).isEqualTo(frames.size()).isEqualTo(s.header().commit());
    try (FileChannel ch = FileChannel.open(ltx)) {
      LtxPageIndex index = LtxPageIndex.read(ch);
      assertThat(frames).isEqualTo(index.entries());
      for (int i = 0; i < frames.size(); i++) {
        int pgno = frames.get(i).pgno();
        assertThat(sums.get(i)).isEqualTo(Checksums.page(pgno, index.readPage(ch, pgno)));
      }
      assertThat(s.trailer()).isEqualTo(index.trailer());
    }
  }

  @Test
  void damagedFileIsReportedUpToTheDamage() throws Exception {
    byte[] b = Files.readAllBytes(ltx);
    byte[] truncated = Arrays.copyOf(b, b.length - 100);
    List<PageIndexEntry> frames = new ArrayList<>();
    assertThatThrownBy(
            () ->
                LtxInspector.inspect(
                    new ByteArrayInputStream(truncated),
                    new LtxInspector.Visitor() {
                      @Override
                      public void page(PageIndexEntry frame, long pageChecksum) {
                        frames.add(frame);
                      }
                    }))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("truncated");
    assertThat(frames).isNotEmpty();

    byte[] badFlags = b.clone();
    badFlags[7] = 0x10; // an undefined header flag: the header is still shown
    LtxHeader[] seen = new LtxHeader[1];
    assertThatThrownBy(
            () ->
                LtxInspector.inspect(
                    new ByteArrayInputStream(badFlags),
                    new LtxInspector.Visitor() {
                      @Override
                      public void header(LtxHeader header) {
                        seen[0] = header;
                      }
                    }))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("invalid LTX header flags 0x00000010");
    assertThat(seen[0].pageSize()).isEqualTo(1024);

    assertThatThrownBy(() -> LtxInspector.verify(new ByteArrayInputStream(new byte[0])))
        .isInstanceOf(LtxException.class)
        .hasMessage("file is empty (0 bytes): not an LTX file");
  }
}
