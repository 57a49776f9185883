package io.litestream4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class UploadCopyTest {
  @Test
  void copiesEverythingThroughASmallBuffer() throws Exception {
    byte[] data = new byte[1000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    var out = new ByteArrayOutputStream();
    assertThat(UploadCopy.copy(new ByteArrayInputStream(data), out, 64)).isEqualTo(1000);
    assertThat(out.toByteArray()).isEqualTo(data);
  }

  @Test
  void aFailingSourceIsToldFromAFailingDestination() {
    IOException diskError = new IOException("local disk error");
    InputStream failing =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw diskError;
          }
        };
    assertThatThrownBy(() -> UploadCopy.copy(failing, OutputStream.nullOutputStream(), 64))
        .isInstanceOf(UploadCopy.SourceFailure.class)
        .extracting(Throwable::getCause)
        .isSameAs(diskError);

    IOException storeError = new IOException("store unreachable");
    OutputStream refusing =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw storeError;
          }
        };
    assertThatThrownBy(() -> UploadCopy.copy(new ByteArrayInputStream(new byte[10]), refusing, 64))
        .isSameAs(storeError);
  }
}
