package io.litestream4j.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ConfigLoader;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.replica.file.FileReplicaClientFactory;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaClientsTest {

  final ReplicaClients clients = ReplicaClients.discover();

  @Test
  void discoversTheFileBackendThroughServiceLoader() {
    assertThat(clients.types()).contains("file");
  }

  @Test
  void createsFileClientsFromUrlsAndPlainPaths() throws Exception {
    try (var fromUrl = clients.create("file:///var/lib/backups/../backups/db");
        var fromPath = clients.create("/var/lib/backups/db");
        var localhost = clients.create("file://localhost/srv/replica")) {
      assertThat(fromUrl).isInstanceOf(FileReplicaClient.class);
      assertThat(((FileReplicaClient) fromUrl).root()).isEqualTo(Path.of("/var/lib/backups/db"));
      assertThat(((FileReplicaClient) fromPath).root()).isEqualTo(Path.of("/var/lib/backups/db"));
      assertThat(((FileReplicaClient) localhost).root()).isEqualTo(Path.of("/srv/replica"));
      assertThat(fromUrl.type()).isEqualTo("file");
    }
  }

  @Test
  void createsClientsFromConfigEntries(@TempDir Path dir) throws Exception {
    String yaml =
        """
        dbs:
          - path: %s/app.db
            replica:
              path: %s/replica
        """
            .formatted(dir, dir);
    var config = ConfigLoader.parse(yaml, "test.yml", true, Map.of()).config();
    try (ReplicaClient client = clients.create(config.dbs().getFirst().replica())) {
      client.init();
      client.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, Instant.EPOCH, 1)));
      assertThat(dir.resolve("replica/ltx/0/0000000000000001-0000000000000001.ltx"))
          .isRegularFile();
    }
  }

  @Test
  void unknownSchemeNamesWhatIsSupported() {
    assertThatThrownBy(() -> clients.create("xyz://bucket/path"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "unsupported replica URL scheme 'xyz' in 'xyz://bucket/path': supported are "
                + String.join(", ", clients.types()));
  }

  @Test
  void knownButUnavailableBackendIsReportedAsUnsupported() {
    var onlyFile = ReplicaClients.of(List.of(new FileReplicaClientFactory()));
    assertThatThrownBy(() -> onlyFile.create("s3://bucket/db"))
        .hasMessage(
            "unsupported replica URL scheme 's3' in 's3://bucket/db': supported are file; the s3"
                + " backend is in litestream4j-s3, which is not on the class path");
  }

  @Test
  void malformedUrlsAreRejectedClearly() {
    assertThatThrownBy(() -> clients.create("backups/db"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("replica URL needs a scheme")
        .hasMessageContaining("(got \"backups/db\")");
    assertThatThrownBy(() -> clients.create("file://backups/db"))
        .hasMessageContaining(
            "a file replica URL needs an absolute path, as in file:///var/backups/db");
    assertThatThrownBy(() -> clients.create("file:///bad%zzpath"))
        .hasMessageContaining("bad percent-encoding");
    assertThatThrownBy(() -> clients.create("")).hasMessageContaining("replica URL is empty");
  }

  @Test
  void duplicateFactoriesAreRejected() {
    assertThatThrownBy(
            () ->
                ReplicaClients.of(
                    List.of(new FileReplicaClientFactory(), new FileReplicaClientFactory())))
        .hasMessageContaining("two replica client factories for type 'file'");
  }
}
