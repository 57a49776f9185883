package io.litestream4j.replica.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClientContract;
import io.litestream4j.replica.TestLtx;
import io.litestream4j.testing.DirectoryWriteLock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica client contract on a local directory, plus what only a file replica has (mtimes,
 * directories, permissions).
 */
class FileReplicaClientTest extends ReplicaClientContract {

  @TempDir Path temp;
  Path root;

  @Override
  protected ReplicaClient newClient() {
    root = temp.resolve("replica");
    return new FileReplicaClient(root);
  }

  private FileReplicaClient fileClient() {
    return (FileReplicaClient) client;
  }

  @Override
  protected Optional<RawStore> rawStore() {
    return Optional.of(RawStore.directory(root));
  }

  private List<String> namesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void headerTimestampBecomesTheModificationTime() throws IOException {
    write(0, 1, 1, T1, 500);
    Path expected = root.resolve("ltx/0/0000000000000001-0000000000000001.ltx");
    assertThat(Files.getLastModifiedTime(expected).toInstant()).isEqualTo(T1);
    assertThat(fileClient().ltxFilePath(0, 1, 1)).isEqualTo(expected);
    write(9, 1, 0x1f, T2, 10);
    assertThat(namesIn(root.resolve("ltx"))).containsExactly("0", "9");
  }

  @Test
  void writeLeavesNoTemporaryFiles() throws IOException {
    for (long txid = 1; txid <= 20; txid++) {
      write(0, txid, txid, T1, 100);
    }
    assertThat(namesIn(root.resolve("ltx/0"))).hasSize(20).allMatch(n -> n.endsWith(".ltx"));
  }

  @Test
  void listingIgnoresDirectoriesAndDanglingLinksWithLtxNames() throws IOException {
    write(0, 1, 1, T1, 1);
    Path dir = root.resolve("ltx/0");
    Files.createDirectory(dir.resolve("0000000000000004-0000000000000004.ltx"));
    Files.createSymbolicLink(
        dir.resolve("0000000000000005-0000000000000005.ltx"), dir.resolve("missing"));
    assertThat(client.ltxFiles(0, 0)).extracting(LtxFileInfo::minTxid).containsExactly(1L);
  }

  @Test
  void aRejectedWriteCreatesNoDirectory() {
    assertThatThrownBy(
            () ->
                client.writeLtxFile(0, 2, 2, new ByteArrayInputStream(TestLtx.bytes(1, 1, T1, 10))))
        .hasMessageContaining("cannot store L0/0000000000000002-0000000000000002.ltx")
        .hasMessageContaining("covers TXIDs 0000000000000001-0000000000000001");
    assertThat(root.resolve("ltx/0")).doesNotExist();
  }

  @Test
  void deleteAllRemovesTheDirectoryWithStrayFiles() throws IOException {
    write(0, 1, 1, T1, 1);
    Files.writeString(root.resolve("ltx/0/stray.tmp"), "x");
    client.deleteAll();
    assertThat(root).doesNotExist();
  }

  @Test
  void initRejectsAFileAsRoot() throws IOException {
    Files.createDirectories(root.getParent());
    Files.writeString(root, "not a directory");
    assertThatThrownBy(client::init)
        .hasMessageContaining(root.toString())
        .hasMessageContaining("not a directory");
  }

  @Test
  void aFileInPlaceOfAParentDirectoryIsTheOneNamed() throws IOException {
    Files.writeString(root, "a file where the replica directory belongs");

    assertThatThrownBy(() -> write(0, 1, 1, T1, 10))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(root + " exists but is not a directory");
  }

  @Test
  void fileWhereADirectoryBelongsGivesClearErrorThenRecovers() throws IOException {
    Files.createDirectories(root.resolve("ltx"));
    Files.writeString(root.resolve("ltx/0"), "oops");

    assertThatThrownBy(() -> write(0, 1, 1, T1, 10))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot create replica directory " + root.resolve("ltx/0"))
        .hasMessageContaining(
            "exists but is not a directory; remove it or choose another replica path");
    assertThatThrownBy(() -> client.ltxFiles(0, 0))
        .hasMessageContaining(root.resolve("ltx/0").toString());

    Files.delete(root.resolve("ltx/0"));
    write(0, 1, 1, T1, 10);
    assertThat(client.ltxFiles(0, 0)).hasSize(1);
  }

  @Test
  void unwritableDirectoryGivesClearErrorThenRecoversWhenWritable() throws Exception {
    write(0, 1, 1, T1, 10);
    Path dir = root.resolve("ltx/0");
    try (var locked = DirectoryWriteLock.lock(dir)) {
      assertThatThrownBy(() -> write(0, 2, 2, T1, 10))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining(locked.expectedReason());
      assertThat(namesIn(dir)).containsExactly("0000000000000001-0000000000000001.ltx");
    }
    write(0, 2, 2, T1, 10);
    assertThat(client.ltxFiles(0, 0)).extracting(LtxFileInfo::minTxid).containsExactly(1L, 2L);
    assertThat(namesIn(dir)).allMatch(n -> n.endsWith(".ltx"));
  }

  @Test
  void rejectsRelativeRootAndBadLevels() {
    assertThatThrownBy(() -> new FileReplicaClient(Path.of("relative/dir")))
        .hasMessageContaining("must be absolute");
    assertThatThrownBy(() -> fileClient().ltxFilePath(-1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
