package io.litestream4j.oss;

import io.litestream4j.testing.ModuleSurface;
import org.junit.jupiter.api.Test;

/** The oss module offers its one package and registers its factory, on both paths alike. */
class OssModuleTest {
  @Test
  void exportsItsPackageAndProvidesItsFactory() {
    ModuleSurface.assertBackend("io.litestream4j.oss", OssReplicaClientFactory.class);
  }
}
