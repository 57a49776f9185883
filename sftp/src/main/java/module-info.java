/**
 * The SFTP backend (JSch).
 *
 * <p>Exports its one package: the factory the service loader finds, the client, its settings and
 * the host-key value.
 */
module io.litestream4j.sftp {
  requires transitive io.litestream4j.core;
  requires org.slf4j;
  requires com.jcraft.jsch;

  exports io.litestream4j.sftp;

  provides io.litestream4j.replica.ReplicaClientFactory with
      io.litestream4j.sftp.SftpReplicaClientFactory;
}
