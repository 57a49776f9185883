package io.litestream4j.sftp;

import io.litestream4j.testing.ModuleSurface;
import org.junit.jupiter.api.Test;

/** The sftp module offers its one package and registers its factory, on both paths alike. */
class SftpModuleTest {
  @Test
  void exportsItsPackageAndProvidesItsFactory() {
    ModuleSurface.assertBackend("io.litestream4j.sftp", SftpReplicaClientFactory.class);
  }
}
