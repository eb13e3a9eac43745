package org.tftflink.job.demo;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The end-of-run account of {@code ./tft demo}: every input message is either valid (accepted on
 * the step grid) or a dead letter, so {@code events_in == valid + dead_letters} when {@code
 * reconciled}; after a Ctrl-C with {@code --follow}, {@code unconsumed} events were still in Kafka
 * when the job stopped (the savepoint's offsets resume from them).
 */
public record DemoSummary(
    @JsonProperty("events_in") long eventsIn,
    @JsonProperty("valid") long valid,
    @JsonProperty("dead_letters") long deadLetters,
    @JsonProperty("dead_letters_by_reason") Map<String, Long> deadLettersByReason,
    @JsonProperty("duplicates") long duplicates,
    @JsonProperty("late") long late,
    @JsonProperty("forecasts_out") long forecastsOut,
    @JsonProperty("forecasts_by_model") Map<String, Long> forecastsByModel,
    @JsonProperty("hosts") long hosts,
    @JsonProperty("reconciled") boolean reconciled,
    @JsonProperty("unconsumed") long unconsumed,
    @JsonProperty("seconds") double seconds) {

  public void write(Path file) throws IOException {
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
  }

  public String describe() {
    return String.format(
        "events in %d = valid %d + dead letters %d %s%s; duplicates %d; forecasts out %d %s for %d hosts; %.1f s",
        eventsIn,
        valid,
        deadLetters,
        deadLettersByReason,
        reconciled
            ? " (reconciled)"
            : " ("
                + unconsumed
                + " not consumed before the stop: still in Kafka, where a resumed run reads them)",
        duplicates,
        forecastsOut,
        forecastsByModel,
        hosts,
        seconds);
  }
}
