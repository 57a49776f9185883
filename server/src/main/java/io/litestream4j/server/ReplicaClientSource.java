package io.litestream4j.server;

import io.litestream4j.replica.ReplicaClient;
import java.io.IOException;

/** Makes a fresh replica client for a database each time it is (re)started. */
@FunctionalInterface
public interface ReplicaClientSource {
  ReplicaClient create() throws IOException;
}
