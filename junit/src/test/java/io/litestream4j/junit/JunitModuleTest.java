package io.litestream4j.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.ModuleSurface;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The junit module offers the extension's package and nothing else. */
class JunitModuleTest {
  @Test
  void exportsTheExtension() {
    assertThat(ModuleSurface.of(ReplicatedDatabaseExtension.class))
        .isEqualTo(
            new ModuleSurface(
                "io.litestream4j.junit", Map.of("io.litestream4j.junit", Set.of()), Map.of()));
  }
}
