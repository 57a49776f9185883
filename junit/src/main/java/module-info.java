/**
 * The JUnit 5 extension that gives a test a replicated database.
 *
 * <p>Exports its one package (the extension, the annotation and the database handle).
 */
module io.litestream4j.junit {
  requires transitive io.litestream4j.core;
  requires transitive org.junit.jupiter.api;
  requires org.junit.platform.commons;

  exports io.litestream4j.junit;
}
