package org.tftflink.job.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tftflink.job.Cli;

/**
 * Ctrl-C in the middle of the embedded demo with learning on, as a user presses it: the demo runs
 * in its own JVM (the CLI's main class, the default data and options but a slower replay and a free
 * web UI port), gets SIGINT once the trainer has promoted a version, and must stop within the 30 s
 * it promises, with a savepoint and its summary, accounting for the events it did not consume.
 */
class DemoSignalTest {

  private static final Duration FIRST_VERSION = Duration.ofMinutes(4);

  @Test
  void shouldStopWithASavepointAndASummaryWithin30sWhenInterruptedWhileLearning(@TempDir Path dir)
      throws Exception {
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx2g",
                    "-XX:+ExplicitGCInvokesConcurrent",
                    "-cp",
                    System.getProperty("java.class.path"),
                    Cli.class.getName(),
                    "demo",
                    "--rate",
                    "300",
                    "--port",
                    Integer.toString(port)))
            .directory(dir.toFile())
            .redirectErrorStream(true);
    pb.environment().put("OMP_NUM_THREADS", "1");
    Process p = pb.start();
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> promoted = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  lines.add(line);
                  if (line.startsWith("tft demo: trainer ") && line.contains("\"promoted\"")) {
                    promoted.complete(null);
                  }
                }
              } catch (java.io.IOException e) {
                // the process ended
              }
            },
            "demo-output");
    reader.setDaemon(true);
    reader.start();
    try {
      long deadline = System.nanoTime() + FIRST_VERSION.toNanos();
      while (!promoted.isDone() && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(promoted)
          .as("a version promoted within %s: %s", FIRST_VERSION, tail(lines))
          .isDone();
      assertThat(p.isAlive()).as("demo still replaying: %s", tail(lines)).isTrue();

      long sent = System.nanoTime();
      new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
      boolean exited = p.waitFor(30, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - sent) / 1e9;
      assertThat(exited).as("stopped within 30 s of SIGINT; output: %s", tail(lines)).isTrue();
      reader.join(5_000);
      System.out.printf("demo stopped %.1f s after SIGINT%n", seconds);

      // the JVM's status after a SIGINT it handled with its shutdown hooks: 128 + 2, as a shell's
      assertThat(p.exitValue()).as("exit code; output: %s", tail(lines)).isEqualTo(130);
      assertThat(lines).anyMatch(l -> l.equals("tft demo: signal received"));
      assertThat(lines).anyMatch(l -> l.startsWith("tft demo: savepoint file:"));
      assertThat(lines)
          .as("the summary accounts for every event sent")
          .anyMatch(
              l ->
                  l.startsWith("tft demo: events in ")
                      && (l.contains("(reconciled)")
                          || l.contains("not consumed before the stop")));
      assertThat(lines).anyMatch(l -> l.equals("tft demo: job restarts 0"));
    } finally {
      p.destroyForcibly();
    }
  }

  /** The demo's own lines, the last 30 (the child's log lines left out). */
  private static List<String> tail(List<String> lines) {
    List<String> own =
        lines.stream().filter(l -> l.startsWith("tft demo") || l.startsWith("[")).toList();
    return own.subList(Math.max(0, own.size() - 30), own.size());
  }
}
