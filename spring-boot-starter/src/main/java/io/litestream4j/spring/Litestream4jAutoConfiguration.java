package io.litestream4j.spring;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.Restorer;
import io.litestream4j.micrometer.ReplicationMetrics;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClients;
import java.io.IOException;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Replicates the application's SQLite database when {@code litestream4j.database} and {@code
 * litestream4j.replica-url} are set.
 *
 * <p>Ordering guarantee: every {@link DataSource} bean depends on the {@link Replication} bean, so
 * an optional restore ({@code litestream4j.restore-if-missing}) finishes before anything can open
 * the database, and replication is closed (final sync, last uploads) only after every data source
 * was closed. With Actuator present (Spring Boot 3.5 or 4.0) it adds a health indicator and an info
 * contributor; with Micrometer present, the replication metrics.
 */
@AutoConfiguration(
    beforeName = {
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration", // Boot 3
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"
    }) // Boot 4
@ConditionalOnProperty(
    prefix = "litestream4j",
    name = {"database", "replica-url"})
@ConditionalOnProperty(
    prefix = "litestream4j",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(Litestream4jProperties.class)
public class Litestream4jAutoConfiguration {
  /** The name of the {@link Replication} bean that data sources depend on. */
  public static final String REPLICATION_BEAN = "litestream4jReplication";

  private static final Logger LOG = LoggerFactory.getLogger(Litestream4jAutoConfiguration.class);

  @Bean(name = REPLICATION_BEAN, destroyMethod = "close")
  @ConditionalOnMissingBean
  public Replication litestream4jReplication(Litestream4jProperties properties) throws IOException {
    if (properties.restoreIfMissing()) {
      try (ReplicaClient client = ReplicaClients.discover().create(properties.replicaUrl())) {
        Restorer.restoreIfMissing(properties.database(), client)
            .ifPresent(
                r ->
                    LOG.atInfo()
                        .addKeyValue("db", properties.database())
                        .addKeyValue("txid", Long.toHexString(r.txid()))
                        .log(
                            "restored the missing database from {} before start-up",
                            properties.replicaUrl()));
      }
    }
    ReplicationOptions defaults =
        ReplicationOptions.of(properties.database(), properties.replicaUrl());
    return Replication.start(
        defaults
            .withSyncInterval(properties.syncInterval())
            .withShutdownSync(properties.shutdownSyncTimeout(), defaults.shutdownSyncInterval()));
  }

  /** Makes every {@link DataSource} bean depend on the replication bean. */
  @Bean
  public static DataSourcesDependOnReplication litestream4jDataSourcesDependOnReplication() {
    return new DataSourcesDependOnReplication();
  }

  /** See {@link Litestream4jAutoConfiguration}'s ordering guarantee. */
  public static final class DataSourcesDependOnReplication
      extends AbstractDependsOnBeanFactoryPostProcessor {
    DataSourcesDependOnReplication() {
      super(DataSource.class, REPLICATION_BEAN);
    }
  }

  /** Actuator info (same API in Boot 3 and 4). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.info.InfoContributor")
  static class InfoConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "litestream4jInfoContributor")
    ReplicationInfoContributor litestream4jInfoContributor(Replication replication) {
      return new ReplicationInfoContributor(replication);
    }
  }

  /** Health on Spring Boot 3 (org.springframework.boot.actuate.health). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.AbstractHealthIndicator")
  static class Boot3HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "litestream4jHealthIndicator")
    Boot3HealthIndicator litestream4jHealthIndicator(
        Replication replication, Litestream4jProperties properties) {
      return new Boot3HealthIndicator(health(replication, properties));
    }
  }

  /** Health on Spring Boot 4 (org.springframework.boot.health.contributor). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.AbstractHealthIndicator")
  static class Boot4HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "litestream4jHealthIndicator")
    Boot4HealthIndicator litestream4jHealthIndicator(
        Replication replication, Litestream4jProperties properties) {
      return new Boot4HealthIndicator(health(replication, properties));
    }
  }

  static ReplicationHealth health(Replication replication, Litestream4jProperties properties) {
    return new ReplicationHealth(
        replication,
        properties.health().maxLag(),
        properties.health().sampleInterval(),
        Clock.systemUTC());
  }

  /**
   * Micrometer metrics (bound by Spring Boot's metrics auto-configuration). Not conditional on the
   * {@link Replication} bean: whenever this configuration applies there is one (ours, or the
   * application's own), and a nested configuration's bean conditions are evaluated before the outer
   * configuration's beans are registered, so such a condition never matched.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
  static class MetricsConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "litestream4jMetrics")
    ReplicationMetrics litestream4jMetrics(Replication replication) {
      return new ReplicationMetrics(replication);
    }
  }
}
