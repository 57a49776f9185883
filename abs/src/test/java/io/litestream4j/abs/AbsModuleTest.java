package io.litestream4j.abs;

import io.litestream4j.testing.ModuleSurface;
import org.junit.jupiter.api.Test;

/** The abs module offers its one package and registers its factory, on both paths alike. */
class AbsModuleTest {
  @Test
  void exportsItsPackageAndProvidesItsFactory() {
    ModuleSurface.assertBackend("io.litestream4j.abs", AbsReplicaClientFactory.class);
  }
}
