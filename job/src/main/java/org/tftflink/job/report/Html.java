package org.tftflink.job.report;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** A small HTML builder for the report: headings, paragraphs, key-value and figure tables. */
final class Html {
  private final StringBuilder sb = new StringBuilder();

  void open(String title) {
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(HtmlReport.esc(title))
        .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1500px}")
        .append("table{border-collapse:collapse;margin:1em 0;font-size:13px}")
        .append("td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}")
        .append("th{background:#eee}td:first-child,th:first-child{text-align:left}")
        .append("img{max-width:100%;display:block;margin:1em 0}</style></head><body>\n");
  }

  void close() {
    sb.append("</body></html>\n");
  }

  void h(int level, String text) {
    sb.append("<h")
        .append(level)
        .append('>')
        .append(text)
        .append("</h")
        .append(level)
        .append(">\n");
  }

  void p(String html) {
    sb.append("<p>").append(html).append("</p>\n");
  }

  void img(String file, String alt) {
    sb.append("<img src=\"")
        .append(HtmlReport.esc(file))
        .append("\" alt=\"")
        .append(HtmlReport.esc(alt))
        .append("\">\n");
  }

  /** One row per key. */
  void kv(Map<String, Object> m) {
    sb.append("<table>\n");
    m.forEach(
        (k, v) ->
            sb.append("<tr><th>")
                .append(HtmlReport.esc(k))
                .append("</th><td>")
                .append(HtmlReport.esc(format(v)))
                .append("</td></tr>\n"));
    sb.append("</table>\n");
  }

  /** Rows = the outer keys, columns = the union of the inner maps' keys (scalars only). */
  void table(Map<String, Object> rows) {
    Set<String> cols = new LinkedHashSet<>();
    rows.values().forEach(v -> HtmlReport.asMap(v).keySet().forEach(cols::add));
    sb.append("<table>\n<tr><th></th>");
    cols.forEach(c -> sb.append("<th>").append(HtmlReport.esc(c)).append("</th>"));
    sb.append("</tr>\n");
    rows.forEach(
        (name, v) -> {
          Map<String, Object> m = HtmlReport.asMap(v);
          sb.append("<tr><td>").append(HtmlReport.esc(name)).append("</td>");
          cols.forEach(
              c -> sb.append("<td>").append(HtmlReport.esc(format(m.get(c)))).append("</td>"));
          sb.append("</tr>\n");
        });
    sb.append("</table>\n");
  }

  /** Numbers to four significant digits, null as a dash. */
  static String format(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof Double d) {
      if (!Double.isFinite(d)) {
        return "-";
      }
      return Math.abs(d) >= 1e5 || (d != 0 && Math.abs(d) < 1e-3)
          ? String.format(Locale.ROOT, "%.3e", d)
          : String.format(Locale.ROOT, "%.4g", d);
    }
    return String.valueOf(v);
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
