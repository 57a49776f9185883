/**
 * The replication engine and its embedding API.
 *
 * <p>Exported to everyone: the embedding API ({@code io.litestream4j}, which returns its own
 * values: {@code LocalPosition}, {@code SyncStatistics}, restore plans and results, {@code
 * FollowException}), the configuration model with the options the API takes ({@code DbOptions},
 * {@code StoreOptions}), the backend service-provider interface ({@code replica}, {@code
 * replica.lease}, {@code restore.v3} for backends that read Litestream 0.3 backups, the file
 * backend), the replica upkeep view and its values ({@code store}, returned by {@code
 * Replication.store()}), and the file tools. The database monitor ({@code db}), the SQLite file
 * formats and the shared plumbing are exported only to the project's own modules that use them;
 * restore and follow internals ({@code restore}, {@code follow}) not at all. Every package is
 * {@code @NullMarked} (JSpecify): nothing takes or returns {@code null} unless marked
 * {@code @Nullable}.
 */
module io.litestream4j.core {
  requires transitive io.litestream4j.ltx;
  requires transitive java.sql;
  requires org.slf4j;
  requires org.xerial.sqlitejdbc;
  requires org.snakeyaml.engine;
  requires java.management;
  requires org.lz4.java;
  requires static transitive org.jspecify;

  exports io.litestream4j;
  exports io.litestream4j.config;
  exports io.litestream4j.db to
      io.litestream4j.cli,
      io.litestream4j.bench;
  exports io.litestream4j.replica;
  exports io.litestream4j.replica.file;
  exports io.litestream4j.replica.lease;
  exports io.litestream4j.restore.v3;
  exports io.litestream4j.store;
  exports io.litestream4j.tools;
  exports io.litestream4j.sqlite to
      io.litestream4j.cli;
  exports io.litestream4j.internal to
      io.litestream4j.s3,
      io.litestream4j.cli,
      io.litestream4j.server,
      io.litestream4j.abs,
      io.litestream4j.gs,
      io.litestream4j.sftp,
      io.litestream4j.webdav,
      io.litestream4j.nats,
      io.litestream4j.junit,
      io.litestream4j.bench;

  uses io.litestream4j.replica.ReplicaClientFactory;

  provides io.litestream4j.replica.ReplicaClientFactory with
      io.litestream4j.replica.file.FileReplicaClientFactory;
}
