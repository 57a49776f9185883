package io.litestream4j.sample;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Stores orders in the application's SQLite database through plain Spring JDBC. */
@Service
public class OrderService {
  private final JdbcTemplate jdbc;

  public OrderService(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL, quantity INTEGER)");
  }

  @Transactional
  public void place(String item, int quantity) {
    jdbc.update("INSERT INTO orders (item, quantity) VALUES (?, ?)", item, quantity);
  }

  public List<String> items() {
    return jdbc.queryForList("SELECT item FROM orders ORDER BY id", String.class);
  }
}
