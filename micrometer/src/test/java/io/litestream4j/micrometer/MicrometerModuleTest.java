package io.litestream4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.ModuleSurface;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The micrometer module offers the binder's package and nothing else. */
class MicrometerModuleTest {
  @Test
  void exportsTheBinder() {
    assertThat(ModuleSurface.of(ReplicationMetrics.class))
        .isEqualTo(
            new ModuleSurface(
                "io.litestream4j.micrometer",
                Map.of("io.litestream4j.micrometer", Set.of()),
                Map.of()));
  }
}
