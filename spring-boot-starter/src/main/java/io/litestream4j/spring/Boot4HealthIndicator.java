package io.litestream4j.spring;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** {@link ReplicationHealth} as a Spring Boot 4 health indicator ({@code litestream4j}). */
public final class Boot4HealthIndicator extends AbstractHealthIndicator implements DisposableBean {
  private final ReplicationHealth health;

  public Boot4HealthIndicator(ReplicationHealth health) {
    super("replication health check failed");
    this.health = health;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    health.check().report(builder::withDetails, builder::up, builder::down);
  }

  @Override
  public void destroy() {
    health.close();
  }
}
