package io.litestream4j.cli.logging;

import java.util.Map;

/**
 * Litestream's {@code logging.type: pretty} (the "tint" handler): time of day, a three-letter
 * level, the message and {@code key=value} attributes, coloured only on a terminal, e.g. {@code
 * 12:00:00.123 INF replicating db=/data/app.db}. For people; scripts should use text or json.
 */
public final class SlogPrettyEncoder extends SlogEncoder {
  private static final String RESET = "\u001b[0m";
  private static final String DIM = "\u001b[2m";

  private final boolean colour;

  public SlogPrettyEncoder(LogTime time, boolean source, boolean colour) {
    super(time, source);
    this.colour = colour;
  }

  @Override
  String format(SlogRecord r) {
    StringBuilder b = new StringBuilder(128);
    paint(b, DIM, time().clock(r.time()));
    b.append(' ');
    String[] level =
        switch (r.level()) {
          case "TRACE" -> new String[] {"TRC", DIM};
          case "DEBUG" -> new String[] {"DBG", DIM};
          case "WARN" -> new String[] {"WRN", "\u001b[93m"};
          case "ERROR" -> new String[] {"ERR", "\u001b[91m"};
          default -> new String[] {"INF", "\u001b[92m"};
        };
    paint(b, level[1], level[0]);
    b.append(' ').append(r.msg());
    for (Map.Entry<String, Object> a : r.attrs()) {
      b.append(' ');
      paint(b, DIM, a.getKey() + "=");
      SlogTextEncoder.appendValue(b, String.valueOf(a.getValue()));
    }
    b.append('\n');
    if (!r.stackTrace().isEmpty()) {
      b.append(r.stackTrace());
    }
    return b.toString();
  }

  private void paint(StringBuilder b, String code, String text) {
    if (colour) {
      b.append(code).append(text).append(RESET);
    } else {
      b.append(text);
    }
  }
}
