package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.litestream4j.testing.ModuleSurface;
import java.lang.module.ModuleDescriptor;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cli module is an application: it exports nothing, and opens its commands to picocli only. */
class CliModuleTest {
  @Test
  void exportsNothingAndOpensTheCommandsToPicocli() {
    assertThat(ModuleSurface.of(Main.class))
        .isEqualTo(new ModuleSurface("io.litestream4j.cli", Map.of(), Map.of()));
    assertThat(ModuleSurface.descriptor(Main.class).opens())
        .extracting(ModuleDescriptor.Opens::source, ModuleDescriptor.Opens::targets)
        .containsExactly(tuple("io.litestream4j.cli", Set.of("info.picocli")));
  }
}
