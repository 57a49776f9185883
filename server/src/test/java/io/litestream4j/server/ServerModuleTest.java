package io.litestream4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.ModuleSurface;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The server module is the command line's runtime: its package goes to the cli module only. */
class ServerModuleTest {
  @Test
  void exportsItsPackageToTheCommandLineOnly() {
    assertThat(ModuleSurface.of(OpsServices.class))
        .isEqualTo(
            new ModuleSurface(
                "io.litestream4j.server",
                Map.of("io.litestream4j.server", Set.of("io.litestream4j.cli")),
                Map.of()));
  }
}
