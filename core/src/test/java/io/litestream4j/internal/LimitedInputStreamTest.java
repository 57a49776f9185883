package io.litestream4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class LimitedInputStreamTest {
  private static final byte[] DATA = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

  @Test
  void readsEndAfterTheLimit() throws Exception {
    var in = new LimitedInputStream(new ByteArrayInputStream(DATA), 4);
    assertThat(in.read()).isEqualTo(1);
    assertThat(in.available()).isEqualTo(3);
    assertThat(in.readAllBytes()).containsExactly(2, 3, 4);
    assertThat(in.read()).isEqualTo(-1);
    assertThat(in.read(new byte[4], 0, 4)).isEqualTo(-1);
    assertThat(in.read(new byte[4], 0, 0)).isZero();
  }

  @Test
  void skipsCountAgainstTheLimit() throws Exception {
    var in = new LimitedInputStream(new ByteArrayInputStream(DATA), 5);
    assertThat(in.skip(3)).isEqualTo(3);
    assertThat(in.skip(10)).isEqualTo(2);
    assertThat(in.read()).isEqualTo(-1);
    assertThat(in.markSupported()).isFalse();
  }
}
