package io.litestream4j.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LtxFileInfoTest {

  @Test
  void fileInfoValidatesItsFields() {
    Instant now = Instant.now();
    assertThat(new LtxFileInfo(9, 1, 5, 10, now).name())
        .isEqualTo("0000000000000001-0000000000000005.ltx");
    assertThatThrownBy(() -> new LtxFileInfo(10, 1, 1, 0, now))
        .hasMessageContaining("between 0 and 9, got 10");
    assertThatThrownBy(() -> new LtxFileInfo(0, 3, 2, 0, now)).hasMessageContaining("min=3 max=2");
    assertThatThrownBy(() -> new LtxFileInfo(0, 1, 1, -1, now))
        .hasMessageContaining("size must be >= 0");
  }
}
