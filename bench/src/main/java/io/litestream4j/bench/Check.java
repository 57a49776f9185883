package io.litestream4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** One target of the benchmark spec, checked against what this run measured. */
record Check(
    String id, String metric, String measured, String target, Verdict verdict, String note) {

  enum Verdict {
    PASS("pass"),
    FAIL("FAIL"),
    INFO("info"),
    SKIPPED("skipped"),
    ERROR("ERROR");

    final String text;

    Verdict(String text) {
      this.text = text;
    }

    static Verdict of(boolean ok) {
      return ok ? PASS : FAIL;
    }
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("metric", metric);
    m.put("measured", measured);
    m.put("target", target);
    m.put("verdict", verdict.text);
    if (!note.isEmpty()) {
      m.put("note", note);
    }
    return m;
  }
}
