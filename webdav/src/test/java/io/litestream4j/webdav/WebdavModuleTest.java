package io.litestream4j.webdav;

import io.litestream4j.testing.ModuleSurface;
import org.junit.jupiter.api.Test;

/** The webdav module offers its one package and registers its factory, on both paths alike. */
class WebdavModuleTest {
  @Test
  void exportsItsPackageAndProvidesItsFactory() {
    ModuleSurface.assertBackend("io.litestream4j.webdav", WebdavReplicaClientFactory.class);
  }
}
