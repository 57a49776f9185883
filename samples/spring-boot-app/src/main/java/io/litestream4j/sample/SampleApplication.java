package io.litestream4j.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small order-taking service whose SQLite database is replicated by {@code
 * litestream4j-spring-boot-starter}: the only replication-specific code is in {@code
 * application.properties}.
 */
@SpringBootApplication
public class SampleApplication {
  public static void main(String[] args) {
    SpringApplication.run(SampleApplication.class, args);
  }
}
