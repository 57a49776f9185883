package io.litestream4j.s3;

import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RecordSuccessResponse;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * The SDK retry strategy with one addition: every failed attempt that it decides to repeat is
 * reported to a {@link RetryNotice}. The decision itself is the delegate's, unchanged; a failure it
 * does not repeat surfaces as the request's exception as before.
 *
 * <p>{@link #toBuilder()} returns the delegate's builder: a strategy rebuilt from it retries the
 * same way but reports nothing.
 */
final class NoticingRetryStrategy implements RetryStrategy {
  private final RetryStrategy delegate;
  private final RetryNotice notice;

  NoticingRetryStrategy(RetryStrategy delegate, RetryNotice notice) {
    this.delegate = delegate;
    this.notice = notice;
  }

  @Override
  public AcquireInitialTokenResponse acquireInitialToken(AcquireInitialTokenRequest request) {
    return delegate.acquireInitialToken(request);
  }

  @Override
  public RefreshRetryTokenResponse refreshRetryToken(RefreshRetryTokenRequest request) {
    RefreshRetryTokenResponse granted = delegate.refreshRetryToken(request);
    notice.retrying(request.failure());
    return granted;
  }

  @Override
  public RecordSuccessResponse recordSuccess(RecordSuccessRequest request) {
    return delegate.recordSuccess(request);
  }

  @Override
  public int maxAttempts() {
    return delegate.maxAttempts();
  }

  @Override
  public boolean useClientDefaults() {
    return delegate.useClientDefaults();
  }

  @Override
  public Builder<?, ?> toBuilder() {
    return delegate.toBuilder();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
