package org.tftflink.job.chaos;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.tftflink.model.event.DeadLetterReason;

/**
 * Hostile metric messages, each with the dead-letter reason the parser must give it: one for every
 * parse-time reason of {@link DeadLetterReason}, binary garbage, a 10 MB line, deeply nested JSON,
 * 10^5 metrics in one event and a host name of control characters. Each is unique (a serial in its
 * bytes), so that its dead letter is found by SHA-256.
 */
final class PoisonInputs {

  /** An input and the reason code its dead letter must carry. */
  record Poison(String kind, byte[] bytes, String reason) {}

  private static final String TS = "\"ts\":\"2024-03-01T00:00:00Z\"";

  private PoisonInputs() {}

  /** The set of {@code round}: every kind once. */
  static Map<String, Poison> round(int round, Random random) {
    Map<String, Poison> out = new LinkedHashMap<>();
    String n = Integer.toString(round);
    if (round == 0) {
      // the one input that cannot carry a serial
      add(out, "empty", new byte[0], DeadLetterReason.EMPTY);
    }
    add(out, "blank", ("   \t  " + " ".repeat(round)).getBytes(), DeadLetterReason.EMPTY);
    add(out, "oversize-10MB", padded(n, 10_000_000), DeadLetterReason.OVERSIZE);
    add(out, "metrics-1e5", manyMetrics(n, 100_000), DeadLetterReason.OVERSIZE);
    byte[] garbage = new byte[4096];
    random.nextBytes(garbage);
    garbage[0] = (byte) 0xFF; // never valid UTF-8
    add(out, "binary-garbage", garbage, DeadLetterReason.INVALID_UTF8);
    add(
        out,
        "invalid-utf8",
        json("{\"host\":\"h" + n + "\u00C3(\"}"),
        DeadLetterReason.INVALID_UTF8);
    add(out, "nul-byte", json("{\"host\":\"h" + n + "\0\"}"), DeadLetterReason.NOT_JSON);
    add(out, "not-json", json("this is not json " + n), DeadLetterReason.NOT_JSON);
    add(out, "deep-nesting", deeplyNested(n, 5_000), DeadLetterReason.NOT_JSON);
    add(out, "not-object", json("[" + n + ",2,3]"), DeadLetterReason.NOT_OBJECT);
    add(
        out,
        "missing-host",
        json("{" + TS + ",\"metrics\":{\"cpu\":" + n + "}}"),
        DeadLetterReason.MISSING_HOST);
    add(
        out,
        "host-too-long",
        event("h" + "x".repeat(300) + n, TS, "{\"cpu\":1}"),
        DeadLetterReason.HOST_TOO_LONG);
    add(
        out,
        "control-char-host",
        event("\\u0001\\u0007\\u001b" + "\\u0002".repeat(round + 1), TS, "{\"cpu\":1}"),
        DeadLetterReason.BAD_HOST);
    add(
        out,
        "missing-ts",
        json("{\"host\":\"p" + n + "\",\"metrics\":{\"cpu\":1}}"),
        DeadLetterReason.MISSING_TIMESTAMP);
    add(
        out,
        "bad-ts",
        event("p" + n, "\"ts\":\"yesterday\"", "{\"cpu\":1}"),
        DeadLetterReason.BAD_TIMESTAMP);
    add(
        out,
        "absurd-ts",
        event("p" + n, "\"ts\":\"1990-01-01T00:00:00Z\"", "{\"cpu\":1}"),
        DeadLetterReason.ABSURD_TIMESTAMP);
    add(out, "bad-metrics", event("p" + n, TS, "5"), DeadLetterReason.BAD_METRICS);
    add(out, "missing-target", event("p" + n, TS, "{\"mem\":1}"), DeadLetterReason.MISSING_TARGET);
    add(
        out,
        "non-numeric",
        event("p" + n, TS, "{\"cpu\":\"high\"}"),
        DeadLetterReason.NON_NUMERIC_METRIC);
    add(
        out,
        "non-finite",
        event("p" + n, TS, "{\"cpu\":\"NaN\"}"),
        DeadLetterReason.NON_FINITE_METRIC);
    add(
        out,
        "bad-tags",
        json("{\"host\":\"p" + n + "\"," + TS + ",\"metrics\":{\"cpu\":1},\"tags\":{\"a\":1}}"),
        DeadLetterReason.BAD_TAGS);
    add(out, "too-many-metrics", manyMetrics(n, 65), DeadLetterReason.TOO_MANY_METRICS);
    add(out, "too-many-tags", manyTags(n, 65), DeadLetterReason.TOO_MANY_TAGS);
    return out;
  }

  private static void add(
      Map<String, Poison> out, String kind, byte[] bytes, DeadLetterReason reason) {
    out.put(kind, new Poison(kind, bytes, reason.code()));
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] event(String host, String ts, String metrics) {
    return ("{\"host\":\"" + host + "\"," + ts + ",\"metrics\":" + metrics + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] padded(String n, int size) {
    byte[] head =
        ("{\"host\":\"big" + n + "\"," + TS + ",\"metrics\":{\"cpu\":1},\"pad\":\"")
            .getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[size];
    Arrays.fill(out, (byte) 'p');
    System.arraycopy(head, 0, out, 0, head.length);
    out[size - 2] = '"';
    out[size - 1] = '}';
    return out;
  }

  private static byte[] manyMetrics(String n, int count) {
    StringBuilder b = new StringBuilder("{\"host\":\"m" + n + "\"," + TS + ",\"metrics\":{");
    for (int i = 0; i < count; i++) {
      b.append(i == 0 ? "" : ",").append("\"m").append(i).append("\":1");
    }
    return b.append("}}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] manyTags(String n, int count) {
    StringBuilder b =
        new StringBuilder("{\"host\":\"t" + n + "\"," + TS + ",\"metrics\":{\"cpu\":1},\"tags\":{");
    for (int i = 0; i < count; i++) {
      b.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":\"v\"");
    }
    return b.append("}}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] deeplyNested(String n, int depth) {
    return ("{\"host\":\"d"
            + n
            + "\","
            + TS
            + ",\"metrics\":{\"cpu\":1},\"x\":"
            + "[".repeat(depth)
            + "]".repeat(depth)
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
