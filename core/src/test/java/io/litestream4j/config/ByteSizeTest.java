package io.litestream4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0|0",
        "100|100",
        "100B|100",
        "5MB|5000000",
        "5mb|5000000",
        "5M|5000000",
        "5MiB|5242880",
        "5mib|5242880",
        "5Mi|5242880",
        "5 MiB|5242880",
        "64MiB|67108864",
        "1.5GB|1500000000",
        "1.5GiB|1610612736",
        "1KB|1000",
        "1k|1000",
        "1KiB|1024",
        "1,000|1000",
        "1TB|1000000000000",
        "2TiB|2199023255552",
        "1PB|1000000000000000",
        "1EiB|1152921504606846976",
        "0.5KB|500",
        "1.9B|1"
      })
  void parsesLikeGoHumanize(String text, long bytes) {
    assertThat(ByteSize.parse(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "MB", "-5MB", "1.2.3MB", "abc"})
  void rejectsMalformedSizes(String text) {
    assertThatThrownBy(() -> ByteSize.parse(text)).hasMessageContaining("invalid size");
  }

  @ParameterizedTest
  @ValueSource(strings = {"5XB", "5 megabytes", "5mbit"})
  void rejectsUnknownUnits(String text) {
    assertThatThrownBy(() -> ByteSize.parse(text)).hasMessageContaining("unknown size unit");
  }

  @ParameterizedTest
  @ValueSource(strings = {"8EiB", "10EB", "99999999999999999999"})
  void rejectsSizesBeyondLong(String text) {
    assertThatThrownBy(() -> ByteSize.parse(text)).hasMessageContaining("too large");
  }
}
