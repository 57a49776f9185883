/**
 * The Azure Blob Storage backend.
 *
 * <p>Exports its one package: the factory the service loader finds, the client and its settings.
 */
module io.litestream4j.abs {
  requires transitive io.litestream4j.core;
  requires org.slf4j;
  requires com.azure.core;
  requires com.azure.core.http.jdk.httpclient;
  requires com.azure.identity;
  requires com.azure.storage.blob;
  requires com.azure.storage.common;

  exports io.litestream4j.abs;

  provides io.litestream4j.replica.ReplicaClientFactory with
      io.litestream4j.abs.AbsReplicaClientFactory;
}
