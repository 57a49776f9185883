package io.litestream4j.webdav;

import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.testing.ServerReplicationScenarios;
import java.nio.file.Path;

/**
 * Replication to {@code rclone serve webdav} and back (replicas in a nested directory): every few
 * captured TXIDs must restore exactly (content, checksum, integrity), also when the server is
 * stopped and started again in the middle of replication.
 */
class WebdavReplicationTest extends ServerReplicationScenarios<RcloneWebdavServer> {

  @Override
  protected RcloneWebdavServer start(Path dir) throws Exception {
    return RcloneWebdavServer.start(dir);
  }

  @Override
  protected ReplicaClient client(String name) {
    return new WebdavReplicaClient(server.settings("apps/" + name));
  }
}
