package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.RestoreProgress.Phase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The output helpers reproduce Go's formatting byte for byte, and the progress bar stays quiet when
 * it should.
 */
class FormatTest {

  @Test
  void bytesAreHumanizedLikeGoHumanize() {
    assertThat(HumanBytes.format(0)).isEqualTo("0 B");
    assertThat(HumanBytes.format(9)).isEqualTo("9 B");
    assertThat(HumanBytes.format(10)).isEqualTo("10 B");
    assertThat(HumanBytes.format(999)).isEqualTo("999 B");
    assertThat(HumanBytes.format(1000)).isEqualTo("1.0 kB");
    assertThat(HumanBytes.format(32768)).isEqualTo("33 kB");
    assertThat(HumanBytes.format(1_234_567)).isEqualTo("1.2 MB");
    assertThat(HumanBytes.format(82_854_982)).isEqualTo("83 MB");
  }

  @Test
  void jsonIsIndentedAndEscapedLikeGo() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", "/a \"b\" <c>&");
    m.put("n", 42L);
    m.put("empty", List.of());
    m.put("rows", List.of(Map.of("x", 1)));
    assertThat(JsonOut.render(m))
        .isEqualTo(
            """
        {
          "path": "/a \\"b\\" \\u003cc\\u003e\\u0026",
          "n": 42,
          "empty": [],
          "rows": [
            {
              "x": 1
            }
          ]
        }""");
    assertThat(JsonOut.render(List.of())).isEqualTo("[]");
  }

  @Test
  void tablesPadEveryColumnButTheLast() {
    StringWriter s = new StringWriter();
    new TextTable("a", "bbb", "c")
        .row("xxxx", 1, "last column is not padded")
        .print(new PrintWriter(s));
    assertThat(s.toString())
        .isEqualTo(
            "a     bbb  c\nxxxx  1    last column is not padded\n"
                .replace("\n", System.lineSeparator()));
  }

  @Test
  void theProgressBarWaitsASecondThenDrawsAtMostTenTimesASecond() {
    AtomicLong now = new AtomicLong();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ProgressBar bar = new ProgressBar(new PrintStream(buf, true, StandardCharsets.UTF_8), now::get);
    bar.update(Phase.DOWNLOAD, 10, 100);
    now.set(900_000_000L);
    bar.update(Phase.DOWNLOAD, 20, 100);
    bar.finish();
    assertThat(buf.size()).as("a quick restore draws nothing").isZero();

    now.set(1_000_000_000L);
    bar.update(Phase.DOWNLOAD, 50_000, 100_000);
    now.set(1_050_000_000L);
    bar.update(Phase.DOWNLOAD, 60_000, 100_000);
    now.set(1_060_000_000L);
    bar.update(Phase.APPLY, 100_000, 100_000);
    bar.finish();
    String drawn = buf.toString(StandardCharsets.UTF_8);
    assertThat(drawn)
        .isEqualTo(
            "\rdownload [###############---------------]  50%  50 kB / 100 kB   "
                + "\rapply    [##############################] 100%  100 kB / 100 kB   "
                + System.lineSeparator());
    assertThat(new ProgressBar(null, now::get))
        .satisfies(
            b -> {
              b.update(Phase.APPLY, 1, 1);
              b.finish();
            });
  }
}
