package io.litestream4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "+0, 0",
    "-0, 0",
    "0s, 0",
    "1s, 1000000000",
    "500ms, 500000000",
    "1h30m, 5400000000000",
    "1.5h, 5400000000000",
    "-1s, -1000000000",
    "+2m, 120000000000",
    "2ns, 2",
    "3us, 3000",
    "3µs, 3000",
    "3μs, 3000",
    ".5s, 500000000",
    "1.s, 1000000000",
    "1h1m1s1ms1us1ns, 3661001001001",
    "24h, 86400000000000",
    "1.0000000001s, 1000000000",
    "2562047h47m16.854775807s, 9223372036854775807",
    "-2562047h47m16.854775808s, -9223372036854775808"
  })
  void parsesLikeGo(String text, long nanos) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "10", "1s2"})
  void bareNumbersNeedAUnit(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text)).hasMessageContaining("missing unit");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-", "s", ".s", "1..2s", "1.2.3s", " 1s", "one second"})
  void rejectsMalformedText(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1d", "1w", "5 minutes", "1S", "1H"})
  void rejectsUnknownUnits(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text)).hasMessageContaining("unknown unit");
  }

  @ParameterizedTest
  @ValueSource(strings = {"2562048h", "9999999999999h", "2562047h47m16.854775808s"})
  void rejectsOverflow(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text)).hasMessageContaining("out of range");
  }
}
