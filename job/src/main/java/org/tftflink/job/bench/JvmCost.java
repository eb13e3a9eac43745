package org.tftflink.job.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the whole JVM had spent at one instant: CPU time of every thread, time in the JIT compilers
 * and in garbage collections. The difference of two tells where a phase of {@code ./tft bench
 * online} went on the shared cores (the job, its broker and the bench run in this one JVM), and
 * {@link #threadsSince} by which threads (the JIT's and the collector's own threads are not among
 * them: the compile and GC times stand for those).
 *
 * @param threads CPU nanoseconds of each live Java thread by id, with its name
 */
record JvmCost(long cpuNanos, long compileMillis, long gcMillis, Map<Long, Named> threads) {

  /** A thread's name and CPU time. */
  record Named(String name, long cpuNanos) {}

  static JvmCost now() {
    long cpu =
        ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getProcessCpuTime()
            : -1;
    long gc = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      gc += Math.max(0, b.getCollectionTime());
    }
    long compile = compileMillisNow();
    Map<Long, Named> threads = new HashMap<>();
    ThreadMXBean tm = ManagementFactory.getThreadMXBean();
    if (tm.isThreadCpuTimeSupported() && tm.isThreadCpuTimeEnabled()) {
      for (ThreadInfo t : tm.getThreadInfo(tm.getAllThreadIds())) {
        if (t != null) {
          long ns = tm.getThreadCpuTime(t.getThreadId());
          if (ns >= 0) {
            threads.put(t.getThreadId(), new Named(t.getThreadName(), ns));
          }
        }
      }
    }
    return new JvmCost(cpu, compile, gc, threads);
  }

  /** Milliseconds the JIT compilers have spent so far, or -1 where the JVM does not say. */
  static long compileMillisNow() {
    var jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : -1;
  }

  /** This snapshot minus an earlier one (without the threads: see {@link #threadsSince}). */
  JvmCost since(JvmCost earlier) {
    return new JvmCost(
        cpuNanos - earlier.cpuNanos,
        compileMillis - earlier.compileMillis,
        gcMillis - earlier.gcMillis,
        Map.of());
  }

  /**
   * CPU seconds since {@code earlier} by group of threads, most first, at most {@code top} groups:
   * a group is a thread name with its numbers dropped (Flink's subtask suffix {@code (1/2)#0}, a
   * pool's thread index), so the two forecasting subtasks count as one, and a Flink task's chain
   * named by its first operator.
   */
  Map<String, Double> threadsSince(JvmCost earlier, int top) {
    Map<String, Long> byGroup = new HashMap<>();
    threads.forEach(
        (id, t) -> {
          Named before = earlier.threads.get(id);
          long base = before != null && before.name().equals(t.name()) ? before.cpuNanos() : 0;
          byGroup.merge(group(t.name()), t.cpuNanos() - base, Long::sum);
        });
    Map<String, Double> out = new LinkedHashMap<>();
    byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .forEach(e -> out.put(e.getKey(), e.getValue() / 1e9));
    return out;
  }

  static String group(String threadName) {
    int chain = threadName.indexOf(" -> ");
    String head = chain > 0 ? threadName.substring(0, chain) + " ->" : threadName;
    return head.replaceAll("\\(\\d+/\\d+\\)(#\\d+)?", "").replaceAll("\\d+", "#").trim();
  }

  double cpuSeconds() {
    return cpuNanos / 1e9;
  }

  double compileSeconds() {
    return compileMillis / 1e3;
  }

  double gcSeconds() {
    return gcMillis / 1e3;
  }
}
