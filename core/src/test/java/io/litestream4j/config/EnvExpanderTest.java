package io.litestream4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvExpanderTest {

  private static final Map<String, String> ENV =
      Map.of("BUCKET", "my-bucket", "A", "x", "A_B", "y", "1", "one", "$", "dollar", "EMPTY", "");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        "s3://$BUCKET/db|s3://my-bucket/db",
        "s3://${BUCKET}/db|s3://my-bucket/db",
        "${A}B|xB",
        "$A_B-c|y-c",
        "$UNSET/x|/x",
        "${UNSET}|''",
        "pre$EMPTY.post|pre.post",
        "cost: 5$|cost: 5$",
        "a $ b|a $ b",
        "$-x|x",
        "$1st|onest",
        "a$$b|adollarb",
        "${}x|x",
        "${unterminated|unterminated",
        "${1}|one",
        "no variables|no variables",
        "$A$A${A}|xxx"
      })
  void expandsLikeGoOsExpand(String input, String expected) {
    assertThat(EnvExpander.expand(input, ENV::get)).isEqualTo(expected);
  }
}
