package io.litestream4j.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test (or every test of a class) a fresh SQLite database in WAL mode that is replicated to
 * a file replica in a temporary directory, as a {@link TestDatabase} parameter.
 *
 * <pre>{@code
 * @ReplicatedDatabase
 * class OrdersTest {
 *   @Test
 *   void ordersSurviveALostDisk(TestDatabase db) throws Exception {
 *     try (Connection c = db.connect(); Statement st = c.createStatement()) {
 *       st.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)");
 *       st.execute("INSERT INTO orders (item) VALUES ('coffee')");
 *     }
 *     db.assertRestoresExactly();   // the replica rebuilds this very state
 *   }
 * }
 * }</pre>
 *
 * <p>Replication is started before the test method runs and closed (with its final sync) after it;
 * the directory is deleted afterwards.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(ReplicatedDatabaseExtension.class)
public @interface ReplicatedDatabase {
  /** The database's file name inside the temporary directory. */
  String fileName() default "test.db";

  /**
   * Litestream's {@code sync-interval} in milliseconds; 0 ships every commit at once, which keeps
   * {@link TestDatabase#awaitReplicated()} fast.
   */
  long syncIntervalMillis() default 0;
}
