package org.tftflink.job.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a running job's task metrics through Flink's REST API, summed over subtasks: the keyed
 * operator's counters and RocksDB's per-column-family key estimates.
 */
final class OperatorMetrics {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final String jobUrl;

  OperatorMetrics(String restAddress, String jobId) {
    // 127.0.0.1, not localhost: an IPv6 lookup must not miss the REST endpoint
    this.jobUrl =
        restAddress.replaceAll("/$", "").replace("//localhost:", "//127.0.0.1:") + "/jobs/" + jobId;
  }

  /**
   * The sums over subtasks of every metric of the vertex whose name contains {@code vertex} and
   * whose metric name ends with {@code suffix}, by metric name.
   */
  Map<String, Double> sums(String vertex, String suffix) throws IOException, InterruptedException {
    String vid = null;
    for (JsonNode v : get("").path("vertices")) {
      if (v.path("name").asText().contains(vertex)) {
        vid = v.path("id").asText();
      }
    }
    if (vid == null) {
      throw new IllegalStateException("no vertex named like '" + vertex + "' in " + jobUrl);
    }
    List<String> names = new ArrayList<>();
    for (JsonNode m : get("/vertices/" + vid + "/subtasks/metrics")) {
      String id = m.path("id").asText();
      if (id.endsWith(suffix)) {
        names.add(id);
      }
    }
    Map<String, Double> out = new TreeMap<>();
    if (names.isEmpty()) {
      return out;
    }
    String query = URLEncoder.encode(String.join(",", names), StandardCharsets.UTF_8);
    for (JsonNode m : get("/vertices/" + vid + "/subtasks/metrics?get=" + query + "&agg=sum")) {
      out.put(m.path("id").asText(), m.path("sum").asDouble());
    }
    return out;
  }

  /** The total of {@link #sums}. */
  double total(String vertex, String suffix) throws IOException, InterruptedException {
    return sums(vertex, suffix).values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    // a loaded machine answers slowly: a few tries before giving up
    IOException last = null;
    for (int attempt = 0; attempt < 4; attempt++) {
      try {
        return getOnce(path);
      } catch (IOException e) {
        last = e;
        Thread.sleep(1_000);
      }
    }
    throw last;
  }

  private JsonNode getOnce(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(jobUrl + path))
                .timeout(Duration.ofSeconds(20))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("HTTP " + r.statusCode() + " from " + jobUrl + path + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
