package io.litestream4j.s3;

import io.litestream4j.testing.ModuleSurface;
import org.junit.jupiter.api.Test;

/** The s3 module offers its one package and registers its factory, on both paths alike. */
class S3ModuleTest {
  @Test
  void exportsItsPackageAndProvidesItsFactory() {
    ModuleSurface.assertBackend("io.litestream4j.s3", S3ReplicaClientFactory.class);
  }
}
