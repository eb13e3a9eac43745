package org.tftflink.job;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Prometheus server would scrape from Flink's Prometheus reporter, and the metric selectors
 * of PromQL expressions, so tests can check the one against the other.
 */
final class PrometheusText {

  /** A metric name with an optional label set in braces. */
  private static final Pattern SELECTOR =
      Pattern.compile("\\b(flink_[A-Za-z0-9_]+)\\b(\\{([^}]*)\\})?");

  private static final Pattern MATCHER =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");

  private PrometheusText() {}

  /** Every exported metric name with the label names and values of its samples. */
  static Map<String, Map<String, Set<String>>> scrape(int port)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("Prometheus reporter answered " + r.statusCode());
    }
    // kept for whoever debugs a failing name check: the whole exposition, as Prometheus saw it
    java.nio.file.Files.writeString(
        java.nio.file.Path.of("target", "prometheus-scrape.txt"), r.body());
    Map<String, Map<String, Set<String>>> out = new HashMap<>();
    for (String line : r.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SELECTOR.matcher(line);
      if (m.lookingAt()) {
        Map<String, Set<String>> labels = out.computeIfAbsent(m.group(1), k -> new HashMap<>());
        if (m.group(3) != null) {
          Matcher l = MATCHER.matcher(m.group(3));
          while (l.find()) {
            labels.computeIfAbsent(l.group(1), k -> new HashSet<>()).add(l.group(3));
          }
        }
      }
    }
    return out;
  }

  /** One metric selector of a query: the name and its equality label matchers. */
  record Selector(String name, Map<String, String> equalLabels) {}

  static Set<Selector> selectors(String promql) {
    Set<Selector> out = new HashSet<>();
    Matcher m = SELECTOR.matcher(promql);
    while (m.find()) {
      Map<String, String> labels = new HashMap<>();
      if (m.group(3) != null) {
        Matcher l = MATCHER.matcher(m.group(3));
        while (l.find()) {
          if (l.group(2).equals("=")) {
            labels.put(l.group(1), l.group(3));
          }
        }
      }
      out.add(new Selector(m.group(1), labels));
    }
    return out;
  }
}
