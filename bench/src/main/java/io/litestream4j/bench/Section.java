package io.litestream4j.bench;

import java.util.List;
import java.util.Map;

/**
 * What one benchmark (P1..P7) reports: a Markdown part for results.md, a JSON part for
 * results.json, the targets it checked and the plots it drew (file names in the results directory).
 */
record Section(
    String id,
    String title,
    String markdown,
    Map<String, Object> json,
    List<Check> checks,
    List<String> plots) {

  /** A benchmark that could not run, with the reason. */
  static Section skipped(String id, String title, String reason) {
    return new Section(
        id,
        title,
        "_Skipped: " + reason + "_\n",
        Map.of("skipped", reason),
        List.of(new Check(id, title, "—", "—", Check.Verdict.SKIPPED, reason)),
        List.of());
  }

  /**
   * A benchmark that failed: the run goes on, the failure is reported where its figures would be.
   */
  static Section failed(String id, String title, Throwable error) {
    String reason = error.getClass().getSimpleName() + ": " + error.getMessage();
    return new Section(
        id,
        title,
        "**Failed:** `" + reason.replace("`", "'").replace("\n", " ") + "`\n",
        Map.of("error", reason),
        List.of(new Check(id, title, "—", "—", Check.Verdict.ERROR, reason)),
        List.of());
  }
}
