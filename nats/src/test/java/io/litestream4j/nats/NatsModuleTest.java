package io.litestream4j.nats;

import io.litestream4j.testing.ModuleSurface;
import org.junit.jupiter.api.Test;

/** The nats module offers its one package and registers its factory, on both paths alike. */
class NatsModuleTest {
  @Test
  void exportsItsPackageAndProvidesItsFactory() {
    ModuleSurface.assertBackend("io.litestream4j.nats", NatsReplicaClientFactory.class);
  }
}
