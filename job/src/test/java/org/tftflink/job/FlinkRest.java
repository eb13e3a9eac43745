package org.tftflink.job;

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
import java.util.Map;

/**
 * The calls of Flink's REST API that the runbooks in savepoints-docs/ tell an operator to make
 * (with curl against the JobManager, port 8081), made the same way: plain HTTP and JSON.
 */
final class FlinkRest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;

  /**
   * @param base the JobManager's REST address, e.g. http://localhost:8081
   */
  FlinkRest(String base) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  /** {@code GET /jobs/<id>}: the job's state (RUNNING, FINISHED, ...). */
  String state(String jobId) throws Exception {
    return get("/jobs/" + jobId).path("state").asText();
  }

  /**
   * {@code POST /jobs/<id>/savepoints}, then {@code GET /jobs/<id>/savepoints/<request-id>} until
   * it completes: the savepoint's path. The job keeps running.
   */
  String savepoint(String jobId, String directory) throws Exception {
    JsonNode r =
        post(
            "/jobs/" + jobId + "/savepoints",
            Map.of("target-directory", directory, "cancel-job", false, "formatType", "CANONICAL"));
    return awaitSavepoint(jobId, r.path("request-id").asText());
  }

  /**
   * {@code POST /jobs/<id>/stop} (stop with a savepoint; the sinks commit their last transactions),
   * then the same polling: the savepoint's path. The job ends FINISHED.
   */
  String stopWithSavepoint(String jobId, String directory) throws Exception {
    JsonNode r =
        post(
            "/jobs/" + jobId + "/stop",
            Map.of("targetDirectory", directory, "drain", false, "formatType", "CANONICAL"));
    return awaitSavepoint(jobId, r.path("request-id").asText());
  }

  /** {@code GET /jobs/<id>/checkpoints}: the savepoint or checkpoint the job was restored from. */
  String restoredFrom(String jobId) throws Exception {
    return get("/jobs/" + jobId + "/checkpoints").at("/latest/restored/external_path").asText(null);
  }

  /** {@code GET /jobs/<id>/checkpoints}: the latest savepoint of this job run. */
  String latestSavepoint(String jobId) throws Exception {
    return get("/jobs/" + jobId + "/checkpoints")
        .at("/latest/savepoint/external_path")
        .asText(null);
  }

  /** {@code GET /jobs/<id>} until the job is in {@code state}; fails after a minute. */
  void awaitState(String jobId, String state) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = state(jobId);
      if (last.equals(state)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("job " + jobId + " is " + last + ", not " + state);
  }

  /**
   * {@code GET /jobs/<id>} until the job and all its vertices are RUNNING (a savepoint needs every
   * task running); the JobManager answers 5xx while the job initializes.
   */
  void awaitRunning(String jobId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        JsonNode job = get("/jobs/" + jobId);
        last = job.path("state").asText();
        boolean tasks = job.path("vertices").size() > 0;
        for (JsonNode v : job.path("vertices")) {
          tasks &= v.path("status").asText().equals("RUNNING");
        }
        if (last.equals("RUNNING") && tasks) {
          return;
        }
      } catch (IOException initializing) {
        last = initializing.getMessage();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("job " + jobId + " not running after 2 minutes: " + last);
  }

  /**
   * The ids of the metrics the vertex whose name contains {@code vertexName} reports, without the
   * operator prefix of operator metrics: {@code GET /jobs/<id>/vertices/<vertex>/subtasks/metrics}.
   */
  java.util.Set<String> metricNames(String jobId, String vertexName) throws Exception {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
      if (v.path("name").asText().contains(vertexName)) {
        String path = "/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/subtasks/metrics";
        for (JsonNode m : get(path)) {
          String id = m.path("id").asText();
          out.add(id.substring(id.lastIndexOf('.') + 1));
        }
      }
    }
    return out;
  }

  /**
   * A metric of the vertex whose name contains {@code vertexName}, aggregated over its subtasks:
   * {@code GET /jobs/<id>/vertices/<vertex>/subtasks/metrics?get=<id>&agg=<agg>}, where the id is
   * {@code metric} itself (a task metric) or ends with {@code .metric} (an operator metric). NaN
   * while it is not reported yet.
   */
  double metric(String jobId, String vertexName, String metric, String agg) throws Exception {
    for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
      if (v.path("name").asText().contains(vertexName)) {
        String path = "/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/subtasks/metrics";
        String id = null;
        for (JsonNode m : get(path)) {
          String candidate = m.path("id").asText();
          if (candidate.equals(metric) || candidate.endsWith("." + metric)) {
            id = candidate;
          }
        }
        if (id == null) {
          return Double.NaN;
        }
        for (JsonNode m :
            get(path + "?get=" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "&agg=" + agg)) {
          return m.path(agg).asDouble(Double.NaN);
        }
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  private String awaitSavepoint(String jobId, String requestId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode r = get("/jobs/" + jobId + "/savepoints/" + requestId);
      if (r.at("/status/id").asText().equals("COMPLETED")) {
        JsonNode op = r.path("operation");
        if (op.has("failure-cause")) {
          throw new IllegalStateException("savepoint failed: " + op.path("failure-cause"));
        }
        return op.path("location").asText();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "savepoint " + requestId + " of job " + jobId + " did not complete");
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
  }

  private JsonNode post(String path, Map<String, Object> body)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build());
  }

  private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IOException(
          request.method() + " " + request.uri() + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
