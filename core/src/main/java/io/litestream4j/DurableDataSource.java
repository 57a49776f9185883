package io.litestream4j;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link DataSource} whose commits return only once they are on the replica: the opt-in
 * "synchronous replication" durability mode of the embedding API.
 *
 * <pre>{@code
 * DataSource ds = DurableDataSource.wrap(sqliteDataSource, replication, Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>Guarantee: when {@link Connection#commit()} (or, in auto-commit mode, a statement's {@code
 * execute*} call) returns normally, the transaction is part of a TXID the replica has acknowledged;
 * the recovery point objective for such a transaction is zero. When the replica does not confirm
 * within the timeout, the call throws a {@link SQLException} with SQLState {@code 08L4J}: the
 * transaction <em>is committed locally</em> (SQLite has no way to take it back) but not yet known
 * to be replicated; replication keeps shipping it in the background. Reads and everything else pass
 * straight through. The cost is one sync of the WAL and one replica round trip per commit, so batch
 * writes into transactions.
 *
 * <p>Without this wrapper (the default), the recovery point objective is the replication lag: at
 * most the sync interval plus one upload, typically about one second.
 *
 * <p>Thread-safe if the wrapped data source is; connections are as thread-safe as the driver's.
 */
public final class DurableDataSource implements DataSource {
  /** SQLState of "committed locally, not confirmed on the replica in time". */
  public static final String NOT_REPLICATED_SQLSTATE = "08L4J";

  private static final Set<String> STATEMENT_WRITES =
      Set.of("execute", "executeUpdate", "executeLargeUpdate", "executeBatch", "executeLargeBatch");

  private final @Nullable DataSource delegate;
  private final Replication replication;
  private final Duration timeout;

  private DurableDataSource(
      @Nullable DataSource delegate, Replication replication, Duration timeout) {
    this.delegate = delegate; // null only behind wrap(Connection, ...), which never exposes this
    this.replication = Objects.requireNonNull(replication, "replication");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("durable commit timeout must be positive, got " + timeout);
    }
  }

  /**
   * Wraps {@code delegate} (a data source of the database that {@code replication} replicates) so
   * that commits wait up to {@code timeout} for the replica.
   */
  public static DurableDataSource wrap(
      DataSource delegate, Replication replication, Duration timeout) {
    return new DurableDataSource(
        Objects.requireNonNull(delegate, "delegate"), replication, timeout);
  }

  /** Wraps one connection the same way (for applications that manage connections themselves). */
  public static Connection wrap(Connection connection, Replication replication, Duration timeout) {
    return new DurableDataSource(null, replication, timeout)
        .durable(Objects.requireNonNull(connection, "connection"));
  }

  @Override
  public Connection getConnection() throws SQLException {
    return durable(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return durable(delegate.getConnection(username, password));
  }

  /** Syncs the WAL and waits until the replica holds everything committed so far. */
  void awaitReplica() throws SQLException {
    try {
      replication.syncAndAwait(timeout);
    } catch (TimeoutException e) {
      throw new SQLException(
          "committed locally, but the replica did not confirm it within "
              + timeout
              + "; replication keeps retrying in the background (check the replica's health)",
          NOT_REPLICATED_SQLSTATE,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException(
          "committed locally; interrupted while waiting for the replica",
          NOT_REPLICATED_SQLSTATE,
          e);
    } catch (IOException e) {
      throw new SQLException(
          "committed locally, but syncing it for the replica failed: " + e.getMessage(),
          NOT_REPLICATED_SQLSTATE,
          e);
    } catch (IllegalStateException e) {
      throw new SQLException(
          "committed locally, but not replicated: " + e.getMessage(), NOT_REPLICATED_SQLSTATE, e);
    }
  }

  private Connection durable(Connection connection) {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new ConnectionHandler(connection));
  }

  private Object durableStatement(Object statement, Class<?> type, Connection connection) {
    return Proxy.newProxyInstance(
        type.getClassLoader(), new Class<?>[] {type}, new StatementHandler(statement, connection));
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** Commits wait for the replica; statements it creates are wrapped for auto-commit mode. */
  private final class ConnectionHandler implements InvocationHandler {
    private final Connection target;

    ConnectionHandler(Connection target) {
      this.target = target;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "unwrap" -> {
          Class<?> type = (Class<?>) args[0];
          return type.isInstance(proxy) ? proxy : target.unwrap(type);
        }
        case "isWrapperFor" -> {
          return ((Class<?>) args[0]).isInstance(proxy) || target.isWrapperFor((Class<?>) args[0]);
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "toString" -> {
          return "durable " + target;
        }
        default -> {}
      }
      Object result = DurableDataSource.invoke(target, method, args);
      if (method.getName().equals("commit")) {
        awaitReplica();
      } else if (result instanceof Statement
          && Statement.class.isAssignableFrom(method.getReturnType())) {
        return durableStatement(result, method.getReturnType(), (Connection) proxy);
      }
      return result;
    }
  }

  /** In auto-commit mode every write statement is its own commit, so it waits too. */
  private final class StatementHandler implements InvocationHandler {
    private final Object target;
    private final Connection connection;

    StatementHandler(Object target, Connection connection) {
      this.target = target;
      this.connection = connection;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "getConnection" -> {
          return connection;
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        default -> {}
      }
      Object result = DurableDataSource.invoke(target, method, args);
      if (STATEMENT_WRITES.contains(method.getName()) && connection.getAutoCommit()) {
        awaitReplica();
      }
      return result;
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return type.isInstance(this) ? type.cast(this) : delegate.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || delegate.isWrapperFor(type);
  }
}
