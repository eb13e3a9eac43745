package org.tftflink.model.online;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One decision of the learner, as one JSON line of the audit topic tft-model-events.
 *
 * <p>Types: update_started, update_finished, gate_passed, gate_failed, promoted, rejected,
 * rolled_back, drift_detected, breaker_opened, breaker_closed, shadow_result, command_applied,
 * command_rejected, canary_started, canary_decided, federated_round.
 *
 * @param type what happened (one of the types above)
 * @param eventTimeMs the learner's event-time clock when it happened
 * @param version the version the event is about (the candidate's, or the served one)
 * @param details figures and reasons; values are strings, numbers, booleans or lists of them
 */
public record LearningEvent(
    String type, long eventTimeMs, long version, Map<String, Object> details) {

  public static final String UPDATE_STARTED = "update_started";
  public static final String UPDATE_FINISHED = "update_finished";
  public static final String GATE_PASSED = "gate_passed";
  public static final String GATE_FAILED = "gate_failed";
  public static final String PROMOTED = "promoted";
  public static final String REJECTED = "rejected";
  public static final String ROLLED_BACK = "rolled_back";
  public static final String DRIFT_DETECTED = "drift_detected";
  public static final String BREAKER_OPENED = "breaker_opened";
  public static final String BREAKER_CLOSED = "breaker_closed";
  public static final String SHADOW_RESULT = "shadow_result";
  public static final String COMMAND_APPLIED = "command_applied";
  public static final String COMMAND_REJECTED = "command_rejected";
  public static final String CANARY_STARTED = "canary_started";
  public static final String CANARY_DECIDED = "canary_decided";
  public static final String FEDERATED_ROUND = "federated_round";

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  public LearningEvent {
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /** One JSON object on one line; non-finite numbers become strings so the line stays JSON. */
  public String toJson() {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("type", type);
    line.put("eventTimeMs", eventTimeMs);
    line.put("version", version);
    Map<String, Object> safe = new LinkedHashMap<>();
    details.forEach((k, v) -> safe.put(k, finiteOrText(v)));
    line.put("details", safe);
    try {
      return JSON.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("LearningEvent " + type + " cannot be written as JSON", e);
    }
  }

  private static Object finiteOrText(Object v) {
    if (v instanceof Double d && !Double.isFinite(d)) {
      return d.toString();
    }
    if (v instanceof Float f && !Float.isFinite(f)) {
      return f.toString();
    }
    return v;
  }
}
