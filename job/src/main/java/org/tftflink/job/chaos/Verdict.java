package org.tftflink.job.chaos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a scenario proved: passed or not, its figures (load, faults by kind, bad inputs by kind,
 * lost and duplicated counts) in the order they were recorded, and every failed check.
 */
public final class Verdict {

  private final String scenario;
  private final Map<String, Object> figures = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();

  public Verdict(String scenario) {
    this.scenario = scenario;
  }

  /** Records a figure; a later value of the same name replaces the earlier one. */
  public Verdict figure(String name, Object value) {
    figures.put(name, value);
    return this;
  }

  /** Records {@code problem} unless {@code ok}. */
  public Verdict check(boolean ok, String problem) {
    if (!ok) {
      problems.add(problem);
    }
    return this;
  }

  /** Records a check that {@code actual} equals {@code expected}. */
  public Verdict expectEqual(String what, long expected, long actual) {
    return check(expected == actual, what + ": expected " + expected + ", got " + actual);
  }

  public String scenario() {
    return scenario;
  }

  public boolean passed() {
    return problems.isEmpty();
  }

  public Map<String, Object> figures() {
    return Map.copyOf(figures);
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** The verdict line: {@code PASS name: figure value, ...} and, when failed, the problems. */
  public String line() {
    String figs =
        figures.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", "));
    String head = (passed() ? "PASS " : "FAIL ") + scenario + ": " + figs;
    return passed() ? head : head + " | PROBLEMS: " + String.join("; ", problems);
  }
}
