package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LtxFileNameTest {

  @Test
  void formatsLowerCaseSixteenDigitHex() {
    assertThat(LtxFileName.format(1, 1)).isEqualTo("0000000000000001-0000000000000001.ltx");
    assertThat(LtxFileName.format(0xabc, 0x7fffffffffffffffL))
        .isEqualTo("0000000000000abc-7fffffffffffffff.ltx");
  }

  @Test
  void parsesWhatItFormats() {
    assertThat(LtxFileName.parse("00000000000000ff-0000000000000100.ltx"))
        .contains(new LtxFileName(0xff, 0x100));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0000000000000001-0000000000000001.ltx.tmp",
        "0000000000000001-0000000000000001.ltx.1234abcd.tmp",
        "0000000000000001-0000000000000001",
        "000000000000001-0000000000000001.ltx",
        "0000000000000001_0000000000000001.ltx",
        "000000000000000A-000000000000000B.ltx",
        "000000000000000g-000000000000000h.ltx",
        "0000000000000000-0000000000000001.ltx",
        "0000000000000002-0000000000000001.ltx",
        "lock.json",
        ""
      })
  void rejectsAnythingElse(String name) {
    assertThat(LtxFileName.parse(name)).isEmpty();
  }
}
