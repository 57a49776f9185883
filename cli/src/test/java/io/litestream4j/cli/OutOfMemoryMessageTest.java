package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Running out of heap ends a command with one line that says how to give it more. */
class OutOfMemoryMessageTest {
  @Test
  void namesTheHeapLimitAndTheVariableThatRaisesIt() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code = ErrorHandler.outOfMemory(new OutOfMemoryError("Java heap space"), err, 1024L << 20);
    assertThat(code).isEqualTo(1);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "Error: out of memory (Java heap space) with a Java heap of at most 1024 MiB; run it"
                + " again with a larger heap, e.g. LITESTREAM4J_JAVA_OPTS=-Xmx4g"
                + System.lineSeparator());
  }

  @Test
  void anUnlimitedHeapIsNotNamed() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ErrorHandler.outOfMemory(new OutOfMemoryError(), err, Long.MAX_VALUE);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .startsWith("Error: out of memory; run it again with a larger heap");
  }
}
