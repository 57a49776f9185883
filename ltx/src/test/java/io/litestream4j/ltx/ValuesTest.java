package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ValuesTest {
  @Test
  void txidFormatsAndParses() {
    assertThat(Txid.format(1)).isEqualTo("0000000000000001");
    assertThat(Txid.format(-1L)).isEqualTo("ffffffffffffffff");
    assertThat(Txid.parse("ffffffffffffffff")).isEqualTo(-1L);
    assertThat(Txid.parse("00000000000000AB")).isEqualTo(0xab);
    assertThatThrownBy(() -> Txid.parse("123"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16 hex digits");
    assertThatThrownBy(() -> Txid.parse("000000000000000g"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Txid.parse("+000000000000001"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fileNamesRoundTrip() {
    LtxFileName n = new LtxFileName(1, 0x1f);
    assertThat(n.name()).isEqualTo("0000000000000001-000000000000001f.ltx");
    assertThat(LtxFileName.parse(n.name())).contains(n);
    assertThat(LtxFileName.parse("0000000000000001-000000000000001F.ltx")).isEmpty();
    assertThat(LtxFileName.parse("0000000000000001-000000000000001f.ltx.tmp")).isEmpty();
    assertThat(LtxFileName.parse("000000000000001-000000000000001f.ltx")).isEmpty();
    assertThat(LtxFileName.parse(null)).isEqualTo(Optional.empty());
  }

  @Test
  void lockPageIsThePendingBytePage() {
    assertThat(LockPage.pgno(4096)).isEqualTo(262145);
    assertThat(LockPage.pgno(512)).isEqualTo(2097153);
    assertThat(LockPage.pgno(65536)).isEqualTo(16385);
  }
}
