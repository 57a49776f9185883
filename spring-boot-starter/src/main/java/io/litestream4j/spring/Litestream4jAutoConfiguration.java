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
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Replicates the application's SQLite database when {@code litestream4j.database} and
 * {@code litestream4j.replica-url} are set.
 *
 * <p>Ordering guarantee: every {@link DataSource} bean depends on the {@link Replication} bean, so
 * an optional restore ({@code litestream4j.restore-if-missing}) finishes before anything can open
 * the database, and replication is closed (final sync, last uploads) only after every data source
 * was closed. With Actuator present it adds a health indicator and an info contributor; with
 * Micrometer present, the replication metrics.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnProperty(prefix = "litestream4j", name = {"database", "replica-url"})
@ConditionalOnProperty(prefix = "litestream4j", name = "enabled", havingValue = "true", matchIfMissing = true)
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
        Restorer.restoreIfMissing(properties.database(), client).ifPresent(r -> LOG.atInfo()
            .addKeyValue("db", properties.database()).addKeyValue("txid", Long.toHexString(r.txid()))
            .log("restored the missing database from {} before start-up", properties.replicaUrl()));
      }
    }
    ReplicationOptions defaults = ReplicationOptions.of(properties.database(), properties.replicaUrl());
    return Replication.start(defaults.withSyncInterval(properties.syncInterval())
        .withShutdownSync(properties.shutdownSyncTimeout(), defaults.shutdownSyncInterval()));
  }

  /** Makes every {@link DataSource} bean depend on the replication bean. */
  @Bean
  public static DataSourcesDependOnReplication litestream4jDataSourcesDependOnReplication() {
    return new DataSourcesDependOnReplication();
  }

  /** See {@link Litestream4jAutoConfiguration}'s ordering guarantee. */
  public static final class DataSourcesDependOnReplication extends AbstractDependsOnBeanFactoryPostProcessor {
    DataSourcesDependOnReplication() {
      super(DataSource.class, REPLICATION_BEAN);
    }
  }

  /** Actuator health and info. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  static class ActuatorConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "litestream4jHealthIndicator")
    ReplicationHealthIndicator litestream4jHealthIndicator(Replication replication, Litestream4jProperties properties) {
      return new ReplicationHealthIndicator(replication, properties.health().maxLag(),
          properties.health().sampleInterval(), Clock.systemUTC());
    }

    @Bean
    @ConditionalOnMissingBean(name = "litestream4jInfoContributor")
    ReplicationInfoContributor litestream4jInfoContributor(Replication replication) {
      return new ReplicationInfoContributor(replication);
    }
  }

  /** Micrometer metrics (bound by Spring Boot's metrics auto-configuration). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
  static class MetricsConfiguration {
    @Bean
    @ConditionalOnBean(Replication.class)
    ReplicationMetrics litestream4jMetrics(Replication replication) {
      return new ReplicationMetrics(replication);
    }
  }
}
