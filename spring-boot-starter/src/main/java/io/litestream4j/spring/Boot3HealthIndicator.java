package io.litestream4j.spring;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/** {@link ReplicationHealth} as a Spring Boot 3 health indicator ({@code litestream4j}). */
public final class Boot3HealthIndicator extends AbstractHealthIndicator implements DisposableBean {
  private final ReplicationHealth health;

  public Boot3HealthIndicator(ReplicationHealth health) {
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
