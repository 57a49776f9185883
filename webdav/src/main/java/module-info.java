/**
 * The WebDAV backend, on the JDK's HTTP client and XML parser only.
 *
 * <p>Exports its one package: the factory the service loader finds, the client and its settings.
 */
module io.litestream4j.webdav {
  requires transitive io.litestream4j.core;
  requires org.slf4j;
  requires java.net.http;
  requires java.xml;

  exports io.litestream4j.webdav;

  provides io.litestream4j.replica.ReplicaClientFactory with
      io.litestream4j.webdav.WebdavReplicaClientFactory;
}
