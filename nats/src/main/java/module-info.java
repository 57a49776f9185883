/**
 * The NATS JetStream object-store backend.
 *
 * <p>Exports its one package: the factory the service loader finds, the client and its settings.
 * jnats has no module descriptor; {@code io.nats.jnats} is its {@code Automatic-Module-Name}.
 */
@SuppressWarnings("requires-automatic") // jnats names itself
module io.litestream4j.nats {
  requires transitive io.litestream4j.core;
  requires org.slf4j;
  requires io.nats.jnats;

  exports io.litestream4j.nats;

  provides io.litestream4j.replica.ReplicaClientFactory with
      io.litestream4j.nats.NatsReplicaClientFactory;
}
