package io.litestream4j.s3;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon platform threads named {@code <prefix><n>}, so thread dumps say what each one does. */
final class NamedThreads implements ThreadFactory {

  private final String prefix;
  private final AtomicInteger next = new AtomicInteger(1);

  NamedThreads(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable r) {
    return Thread.ofPlatform().name(prefix + next.getAndIncrement()).daemon(true).unstarted(r);
  }
}
