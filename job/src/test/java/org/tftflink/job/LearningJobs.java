package org.tftflink.job;

import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.kafka.Topics;

/** Settings shared by the end-to-end tests of the learning job. */
final class LearningJobs {
  private LearningJobs() {}

  /**
   * The default settings on every topic of {@code names} (metrics, forecasts, dead letters, models,
   * control, model events), with a consumer group of its own.
   */
  static Settings onTopics(Topics.Names names) {
    return Settings.defaults()
        .with(Options.TOPIC_METRICS, names.metrics())
        .with(Options.TOPIC_FORECASTS, names.forecasts())
        .with(Options.TOPIC_DLQ, names.metricsDlq())
        .with(Options.TOPIC_MODELS, names.models())
        .with(Options.TOPIC_CONTROL, names.control())
        .with(Options.TOPIC_MODEL_EVENTS, names.modelEvents())
        .with(Options.GROUP_ID, names.metrics() + "-job");
  }
}
