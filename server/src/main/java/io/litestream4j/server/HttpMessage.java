package io.litestream4j.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 message read from a stream: start line, headers and a {@code Content-Length} body
 * (the only framing the control socket uses; requests and responses close the connection).
 *
 * @param startLine e.g. {@code POST /sync HTTP/1.1} or {@code HTTP/1.1 200 OK}
 * @param headers lower-cased names
 */
public record HttpMessage(String startLine, Map<String, String> headers, String body) {
  private static final int MAX_HEADER_BYTES = 16 * 1024;
  private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  public static HttpMessage read(InputStream in) throws IOException {
    String start = line(in);
    if (start == null) {
      throw new IOException("connection closed before a request line");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    int total = start.length();
    String h;
    while ((h = line(in)) != null && !h.isEmpty()) {
      total += h.length();
      if (total > MAX_HEADER_BYTES) {
        throw new IOException("HTTP headers too large");
      }
      int colon = h.indexOf(':');
      if (colon > 0) {
        headers.put(
            h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
    }
    String body = "";
    String len = headers.get("content-length");
    if (len != null) {
      int n = Integer.parseInt(len);
      if (n < 0 || n > MAX_BODY_BYTES) {
        throw new IOException("HTTP body too large: " + n + " bytes");
      }
      byte[] b = in.readNBytes(n);
      if (b.length != n) {
        throw new IOException("HTTP body truncated");
      }
      body = new String(b, StandardCharsets.UTF_8);
    } else if (!start.startsWith("HTTP/")) {
      body = "";
    } else {
      body =
          new String(
              in.readAllBytes(), StandardCharsets.UTF_8); // response without length: until close
    }
    return new HttpMessage(start, headers, body);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        b.write(c);
      }
      if (b.size() > MAX_HEADER_BYTES) {
        throw new IOException("HTTP line too long");
      }
    }
    if (c < 0 && b.size() == 0) {
      return null;
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  public static byte[] format(String startLine, String contentType, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head =
        startLine
            + "\r\nContent-Type: "
            + contentType
            + "\r\nContent-Length: "
            + b.length
            + "\r\nConnection: close\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[h.length + b.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(b, 0, all, h.length, b.length);
    return all;
  }
}
