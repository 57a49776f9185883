package io.litestream4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configurations in which two entries would write the same place are refused at start-up. */
class DuplicateEntriesTest {

  private static LoadedConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, "litestream.yml", false, Map.of());
  }

  @Test
  void twoDatabasesOnTheSameReplicaUrlAreRefused() {
    assertThatThrownBy(
            () ->
                parse(
                    """
        dbs:
          - path: /data/a.db
            replica:
              url: file:///backups/shared
          - path: /data/b.db
            replica:
              url: file:///backups/shared/
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dbs[1].replica")
        .hasMessageContaining("/data/a.db")
        .hasMessageContaining("overwrite each other's files");
  }

  @Test
  void theSameReplicaSpelledAsPathAndAsUrlIsRefused() {
    assertThatThrownBy(
            () ->
                parse(
                    """
        dbs:
          - path: /data/a.db
            replica:
              type: file
              path: /backups/shared
          - path: /data/b.db
            replica:
              url: file:///backups/shared
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("already the replica of dbs[0]");
  }

  @Test
  void theSameDatabaseListedTwiceIsRefused() {
    assertThatThrownBy(
            () ->
                parse(
                    """
        dbs:
          - path: /data/a.db
            replica:
              url: file:///backups/one
          - path: /data/./a.db
            replica:
              url: file:///backups/two
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dbs[1].path")
        .hasMessageContaining("already listed as dbs[0]");
  }

  @Test
  void distinctEntriesAreAccepted() {
    LoadedConfig c =
        parse(
            """
        dbs:
          - path: /data/a.db
            replica:
              url: s3://bucket/a
          - path: /data/b.db
            replica:
              url: s3://bucket/b
          - path: /data/c.db
            replica:
              url: s3://other/a
        """);
    assertThat(c.config().dbs()).hasSize(3);
  }
}
