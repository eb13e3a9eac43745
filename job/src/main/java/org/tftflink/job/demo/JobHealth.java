package org.tftflink.job.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.client.JobCancellationException;
import org.apache.flink.util.ExceptionUtils;

/**
 * What the demo knows of its job's health: its status, how many times it restarted so far and the
 * root cause of the latest failure (from Flink's REST API: a client-side JobClient does not tell),
 * so that a restart loop is reported instead of printed as lag.
 */
final class JobHealth {

  /**
   * One reading: {@code restarts} counts the restarts since the job started (the highest execution
   * attempt of its subtasks; every restart of this job's single failover region raises them all).
   */
  record Reading(JobStatus status, int restarts, String latestCause) {}

  /**
   * The REST API serves job details from a cache refreshed every {@code web.refresh-interval} (3 s
   * by default): an attempt that fails within it would go unseen.
   */
  static final String REFRESH_INTERVAL_KEY = "web.refresh-interval";

  static final String REFRESH_INTERVAL_MS = "200";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JobClient job;
  private final CompletableFuture<JobExecutionResult> result;
  private final String jobUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Reading last = new Reading(JobStatus.INITIALIZING, 0, null);

  /**
   * @param restPort the port of the local cluster's REST API (the web UI)
   */
  JobHealth(JobClient job, int restPort) {
    this.job = job;
    this.result = job.getJobExecutionResult();
    this.jobUrl = "http://127.0.0.1:" + restPort + "/jobs/" + job.getJobID();
  }

  /** A fresh reading; a part that cannot be read right now keeps its last value. */
  Reading read() {
    int restarts = last.restarts();
    String cause = last.latestCause();
    try {
      for (JsonNode vertex : get("").path("vertices")) {
        for (JsonNode subtask : get("/vertices/" + vertex.path("id").asText()).path("subtasks")) {
          restarts = Math.max(restarts, subtask.path("attempt").asInt(0));
        }
      }
      JsonNode entries =
          get("/exceptions?maxExceptions=1").path("exceptionHistory").path("entries");
      if (!entries.isEmpty()) {
        cause = rootCause(entries.get(0).path("stacktrace").asText(""));
      }
    } catch (IOException e) {
      // the REST API is not up yet or already down: the status below still tells
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    JobStatus status = last.status();
    if (result.isDone()) {
      // a finished job's local cluster shuts down: its result is all that is left to read
      status = terminalStatus();
      if (status == JobStatus.FAILED) {
        cause = rootCause(result);
      }
    } else {
      try {
        status = job.getJobStatus().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // between states: keep the last status
      }
    }
    last = new Reading(status, restarts, cause);
    return last;
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(jobUrl + path))
                .timeout(Duration.ofSeconds(3))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("HTTP " + r.statusCode() + " from " + jobUrl + path);
    }
    return JSON.readTree(r.body());
  }

  private JobStatus terminalStatus() {
    try {
      result.join();
      return JobStatus.FINISHED;
    } catch (CompletionException | CancellationException e) {
      return ExceptionUtils.findThrowable(e, JobCancellationException.class).isPresent()
          ? JobStatus.CANCELED
          : JobStatus.FAILED;
    }
  }

  private static String rootCause(CompletableFuture<?> failed) {
    try {
      failed.join();
      return "none";
    } catch (CompletionException | CancellationException e) {
      Throwable t = e;
      while (t.getCause() != null && t.getCause() != t) {
        t = t.getCause();
      }
      return t.toString();
    }
  }

  /** The innermost "Caused by" of a printed stack trace, or its first line when there is none. */
  static String rootCause(String stacktrace) {
    String cause = null;
    for (String line : stacktrace.split("\n")) {
      String l = line.strip();
      if (cause == null && !l.isEmpty()) {
        cause = l;
      }
      if (l.startsWith("Caused by: ")) {
        cause = l.substring("Caused by: ".length());
      }
    }
    return cause == null ? "unknown cause" : cause;
  }
}
