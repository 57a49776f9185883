package io.litestream4j.testing;

/** A test server that a test can stop and start again on the same address and storage. */
public interface RestartableServer extends AutoCloseable {
  /** The server program's name, for messages. */
  String name();

  void stop() throws Exception;

  /** Stops the server if it runs, then starts it again on the same address with the same data. */
  void restart() throws Exception;
}
