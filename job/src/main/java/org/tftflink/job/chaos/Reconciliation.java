package org.tftflink.job.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.header.Header;
import org.tftflink.operators.sink.DeadLetterRecordSerializer;

/**
 * Compares what the job committed with what it must have: every expected (host, step) exactly one
 * forecast on {@code forecasts}, every bad input exactly one dead letter (found by the SHA-256 of
 * its original bytes) with the right reason on the dead-letter topic.
 */
public final class Reconciliation {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param lost expected but absent
   * @param duplicated extra copies of expected items
   * @param unexpected present but never expected
   * @param wrongReason dead letters with another reason than expected
   */
  public record Result(
      long expected,
      long seen,
      long lost,
      long duplicated,
      long unexpected,
      long wrongReason,
      List<String> examples) {

    Result(long expected, long seen, long lost, long duplicated, long unexpected, long wrong) {
      this(expected, seen, lost, duplicated, unexpected, wrong, List.of());
    }

    /** Writes the counts into {@code v} under {@code prefix} and checks that nothing is off. */
    public void into(Verdict v, String prefix) {
      v.figure(prefix + " lost", lost).figure(prefix + " duplicated", duplicated);
      if (!examples.isEmpty()) {
        v.figure(prefix + " off, e.g.", examples);
      }
      v.expectEqual(prefix + " lost", 0, lost);
      v.expectEqual(prefix + " duplicated", 0, duplicated);
      v.expectEqual(prefix + " unexpected", 0, unexpected);
      v.expectEqual(prefix + " with the wrong reason", 0, wrongReason);
    }
  }

  private Reconciliation() {}

  /** Reconciles {@code topic} (forecasts) against {@code expected} issuedAt instants per host. */
  public static Result forecasts(String bootstrap, String topic, Map<String, Set<Long>> expected) {
    Map<String, Map<Long, Integer>> seen = new HashMap<>();
    long[] total = {0};
    CommittedRecords.forEach(
        bootstrap,
        topic,
        r -> {
          JsonNode f = parse(r.value());
          long issued = Instant.parse(f.get("issuedAt").asText()).toEpochMilli();
          seen.computeIfAbsent(f.get("host").asText(), h -> new HashMap<>())
              .merge(issued, 1, Integer::sum);
          total[0]++;
        });
    long want = 0;
    long lost = 0;
    long dup = 0;
    long unexpected = 0;
    List<String> examples = new ArrayList<>();
    for (var e : expected.entrySet()) {
      Map<Long, Integer> got = seen.getOrDefault(e.getKey(), Map.of());
      for (long t : e.getValue()) {
        want++;
        int n = got.getOrDefault(t, 0);
        lost += n == 0 ? 1 : 0;
        dup += Math.max(0, n - 1);
        if (n != 1 && examples.size() < 5) {
          examples.add((n == 0 ? "lost " : n + "x ") + e.getKey() + "@" + Instant.ofEpochMilli(t));
        }
      }
    }
    for (var e : seen.entrySet()) {
      Set<Long> due = expected.getOrDefault(e.getKey(), Set.of());
      for (var c : e.getValue().entrySet()) {
        if (!due.contains(c.getKey())) {
          unexpected += c.getValue();
          if (examples.size() < 5) {
            examples.add("unexpected " + e.getKey() + "@" + Instant.ofEpochMilli(c.getKey()));
          }
        }
      }
    }
    return new Result(want, total[0], lost, dup, unexpected, 0, List.copyOf(examples));
  }

  /** Reconciles the dead-letter topic against {@code expected}: SHA-256 of the input -> reason. */
  public static Result deadLetters(String bootstrap, String topic, Map<String, String> expected) {
    Map<String, Integer> seen = new HashMap<>();
    long[] total = {0};
    long[] wrong = {0};
    CommittedRecords.forEach(
        bootstrap,
        topic,
        r -> {
          String sha = header(r.headers().lastHeader(DeadLetterRecordSerializer.ORIGINAL_SHA256));
          String reason = header(r.headers().lastHeader(DeadLetterRecordSerializer.REASON));
          seen.merge(sha, 1, Integer::sum);
          total[0]++;
          if (expected.containsKey(sha) && !expected.get(sha).equals(reason)) {
            wrong[0]++;
          }
        });
    long lost = 0;
    long dup = 0;
    for (String sha : expected.keySet()) {
      int n = seen.getOrDefault(sha, 0);
      lost += n == 0 ? 1 : 0;
      dup += Math.max(0, n - 1);
    }
    long unexpected =
        seen.entrySet().stream()
            .filter(e -> !expected.containsKey(e.getKey()))
            .mapToLong(Map.Entry::getValue)
            .sum();
    return new Result(expected.size(), total[0], lost, dup, unexpected, wrong[0]);
  }

  /** Dead letters on {@code topic} by reason code. */
  public static Map<String, Long> deadLettersByReason(String bootstrap, String topic) {
    Map<String, Long> out = new TreeMap<>();
    CommittedRecords.forEach(
        bootstrap,
        topic,
        r ->
            out.merge(
                header(r.headers().lastHeader(DeadLetterRecordSerializer.REASON)), 1L, Long::sum));
    return out;
  }

  /** The hex SHA-256 of {@code bytes}, as in the {@code tft.dlq.original.sha256} header. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String header(Header h) {
    return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static JsonNode parse(byte[] value) {
    try {
      return JSON.readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException("a forecast that is not JSON", e);
    }
  }
}
