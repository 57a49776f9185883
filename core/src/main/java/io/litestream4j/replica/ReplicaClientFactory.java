package io.litestream4j.replica;

import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ReplicaConfig;

/**
 * Creates clients for one backend type. Backends register an implementation as a {@link
 * java.util.ServiceLoader} service ({@code
 * META-INF/services/io.litestream4j.replica.ReplicaClientFactory}), so adding a backend module to
 * the class path is all it takes to support its URL scheme.
 *
 * <p>Implementations must be public with a public no-argument constructor, and stateless.
 */
public interface ReplicaClientFactory {

  /**
   * The backend type this factory serves, equal to its URL scheme: {@code "file"}, {@code "s3"},
   * ...
   */
  String type();

  /**
   * Creates a client for {@code config}, whose {@link ReplicaConfig#type()} is {@link #type()}. The
   * client is not yet connected ({@link ReplicaClient#init()} does that).
   *
   * @throws ConfigException if the configuration lacks something this backend needs
   */
  ReplicaClient create(ReplicaConfig config);
}
