package io.litestream4j.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseHeaderTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "page size {0}")
  @ValueSource(ints = {512, 4096, 65536})
  void readsHeaderWrittenBySqlite(int pageSize) throws Exception {
    Path db = dir.resolve("a.db");
    SqliteCli.create()
        .run(
            db,
            "PRAGMA page_size="
                + pageSize
                + "; CREATE TABLE t(x); "
                + "INSERT INTO t SELECT randomblob(700) FROM generate_series(1, 30); INSERT INTO t VALUES (1);");

    DatabaseHeader header = DatabaseHeader.read(db);

    assertThat(header.pageSize()).isEqualTo(pageSize);
    assertThat(Integer.toUnsignedLong(header.pageCount()) * pageSize).isEqualTo(Files.size(db));
    assertThat(header.effectivePageCount(Files.size(db))).isEqualTo(header.pageCount());
    assertThat(header.fileChangeCounter())
        .isEqualTo(3); // one per rollback-mode transaction: CREATE and two INSERTs
    assertThat(header.walMode()).isFalse();

    SqliteCli.create().run(db, "PRAGMA journal_mode=wal;");
    DatabaseHeader wal = DatabaseHeader.read(db);
    assertThat(wal.walMode()).isTrue();
    assertThat(wal.writeVersion()).isEqualTo(2);
    assertThat(wal.readVersion()).isEqualTo(2);
  }

  @Test
  void rejectsFileThatIsNotSqlite() throws Exception {
    Path file = Files.write(dir.resolve("x.db"), new byte[4096]);

    assertThatThrownBy(() -> DatabaseHeader.read(file))
        .isInstanceOf(SqliteFormatException.class)
        .hasMessageContaining("x.db")
        .hasMessageContaining("not a SQLite database");
  }

  @Test
  void rejectsFileShorterThanHeader() throws Exception {
    Path file = Files.write(dir.resolve("short.db"), "SQLite format 3\0".getBytes());

    assertThatThrownBy(() -> DatabaseHeader.read(file))
        .isInstanceOf(SqliteFormatException.class)
        .hasMessageContaining("16 bytes long, shorter than the 100-byte SQLite header");
  }

  @Test
  void rejectsImpossiblePageSize() throws Exception {
    Path db = dir.resolve("a.db");
    SqliteCli.create().run(db, "CREATE TABLE t(x);");
    byte[] bytes = Files.readAllBytes(db);
    bytes[16] = 0x03; // 1000 is not a power of two
    bytes[17] = (byte) 0xe8;
    Files.write(db, bytes);

    assertThatThrownBy(() -> DatabaseHeader.read(db))
        .isInstanceOf(SqliteFormatException.class)
        .hasMessageContaining("invalid page size 1000 at offset 16");
  }

  @Test
  void staleInHeaderSizeFallsBackToFileSize() {
    DatabaseHeader header = new DatabaseHeader(4096, 3, 7, 6, 1, 1, 0);

    assertThat(header.effectivePageCount(5 * 4096)).isEqualTo(5);
  }
}
