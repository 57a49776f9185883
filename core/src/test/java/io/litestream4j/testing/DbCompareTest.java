package io.litestream4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbCompareTest {
  private static final String SCHEMA =
      """
            CREATE TABLE t(id INTEGER PRIMARY KEY, v);
            CREATE TABLE w(k TEXT PRIMARY KEY, v) WITHOUT ROWID;
            CREATE INDEX t_v ON t(v);
            """;

  @TempDir Path dir;

  @Test
  void identicalContentWrittenInDifferentOrderIsEqual() {
    Path a =
        create(
            "a.db",
            SCHEMA
                + "INSERT INTO t VALUES (1, 'x'), (2, x'00ff'); INSERT INTO w VALUES ('b', 1.5), ('a', NULL);");
    Path b =
        create(
            "b.db",
            SCHEMA
                + "INSERT INTO w VALUES ('a', NULL), ('b', 1.5); INSERT INTO t VALUES (2, x'00ff'), (1, 'x');");

    DbCompare.assertSameContent(a, b);
    assertThat(DbCompare.contentHash(a)).isEqualTo(DbCompare.contentHash(b));
    assertThat(DbCompare.dump(a))
        .contains("row t: INTEGER 2 INTEGER 2 BLOB x'00ff'", "row w: TEXT 'b' REAL 1.5");
    assertThat(DbCompare.integrityCheck(a)).isEqualTo("ok");
  }

  @Test
  void storageClassDifferenceIsDetected() {
    Path a = create("a.db", SCHEMA + "INSERT INTO t VALUES (1, 1);");
    Path b = create("b.db", SCHEMA + "INSERT INTO t VALUES (1, '1');");

    assertThatThrownBy(() -> DbCompare.assertSameContent(a, b))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected: row t: INTEGER 1 INTEGER 1 INTEGER 1")
        .hasMessageContaining("actual:   row t: INTEGER 1 INTEGER 1 TEXT '1'");
  }

  @Test
  void schemaDifferenceAndMissingRowsAreDetected() {
    Path a = create("a.db", SCHEMA + "INSERT INTO t VALUES (1, 1), (2, 2);");
    Path b = create("b.db", SCHEMA + "INSERT INTO t VALUES (1, 1);");
    Path c = create("c.db", SCHEMA + "CREATE TABLE extra(x); INSERT INTO t VALUES (1, 1), (2, 2);");

    assertThatThrownBy(() -> DbCompare.assertSameContent(a, b))
        .hasMessageContaining("expected 5 dump lines, got 4");
    assertThatThrownBy(() -> DbCompare.assertSameContent(a, c)).hasMessageContaining("extra");
  }

  @Test
  void corruptDatabaseFailsIntegrityCheck() throws Exception {
    Path db =
        create(
            "a.db",
            "PRAGMA page_size=512; CREATE TABLE t(x); CREATE INDEX tx ON t(x);"
                + "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<500) INSERT INTO t SELECT hex(randomblob(20)) FROM n;");
    byte[] bytes = Files.readAllBytes(db);
    // scribble over the middle of the file: b-tree pages of the table and index
    for (int i = bytes.length / 2; i < bytes.length / 2 + 600; i++) {
      bytes[i] = (byte) 0x5a;
    }
    Files.write(db, bytes);

    assertThat(DbCompare.integrityCheck(db)).isNotEqualTo("ok");
    assertThatThrownBy(() -> DbCompare.assertIntegrity(db))
        .hasMessageContaining("integrity_check of");
  }

  private Path create(String name, String sql) {
    Path db = dir.resolve(name);
    SqliteCli.create().run(db, sql);
    return db;
  }
}
