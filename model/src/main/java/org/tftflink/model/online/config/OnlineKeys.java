package org.tftflink.model.online.config;

import static org.tftflink.model.online.config.Validators.bool;
import static org.tftflink.model.online.config.Validators.doubleIn;
import static org.tftflink.model.online.config.Validators.hours;
import static org.tftflink.model.online.config.Validators.intIn;
import static org.tftflink.model.online.config.Validators.names;
import static org.tftflink.model.online.config.Validators.oneOf;

import java.util.List;
import org.tftflink.model.online.config.OnlineConfig.Key;

/**
 * Every online-learning key with its default (the conservative preset, the product default), its
 * meaning and its validator; the seed design's keys first, then the extras DESIGN section 3 lists.
 * The reason behind each default is in docs/online-learning.md.
 */
final class OnlineKeys {
  private OnlineKeys() {}

  private static final int DAY_MINUTES = 24 * 60;

  static final List<Key> ALL =
      List.of(
          // the seed's keys
          new Key("enabled", "true", "learn online at all", bool()),
          new Key(
              "strategy",
              "replay",
              "periodic | sliding_window | replay | ensemble",
              oneOf("periodic", "sliding_window", "replay", "ensemble")),
          new Key(
              "update_frequency_minutes",
              "360",
              "event-time minutes between scheduled updates",
              intIn(1, 7 * DAY_MINUTES)),
          new Key(
              "min_samples_for_update",
              "200",
              "new matured training samples needed before an update runs",
              intIn(1, 1_000_000)),
          new Key(
              "sliding_window_hours",
              "168",
              "event-time age of the oldest sample kept for updates",
              doubleIn(0, 24 * 90, true)),
          new Key(
              "replay_buffer_size",
              "2000",
              "samples in the reservoir-sampled replay buffer (0 = no replay)",
              intIn(0, 1_000_000)),
          new Key(
              "replay_sample_ratio",
              "0.5",
              "share of each update's samples drawn from the replay buffer",
              doubleIn(0, 0.9, false)),
          new Key(
              "online_learning_rate",
              "0.0001",
              "Adam learning rate of an update (initial training uses 1e-3)",
              doubleIn(0, 1, true)),
          new Key("online_epochs", "1", "passes over an update's samples", intIn(1, 100)),
          new Key("online_batch_size", "64", "samples per optimizer step", intIn(1, 4096)),
          new Key("enable_validation", "true", "gate candidates on the hold-out set", bool()),
          new Key(
              "validation_threshold",
              "0.0",
              "reject a candidate worse than the current model by more than this fraction",
              doubleIn(0, 1, false)),
          new Key(
              "enable_rollback",
              "true",
              "roll back automatically when a promoted model's live error degrades",
              bool()),
          new Key(
              "keep_model_versions",
              "5",
              "versions whose weights stay in state (metadata of all versions stays)",
              intIn(1, 100)),
          new Key(
              "drift_detection_enabled",
              "true",
              "drift on prediction errors triggers an immediate update",
              bool()),
          new Key(
              "drift_window_size",
              "100",
              "errors in the seed detector's recent window (and its baseline)",
              intIn(5, 100_000)),
          new Key(
              "drift_threshold",
              "0.5",
              "seed detector: relative change of error mean or std that signals drift",
              doubleIn(0, 100, true)),
          new Key(
              "active_learning", "false", "train only on uncertain or surprising samples", bool()),
          new Key(
              "uncertainty_threshold",
              "0.2",
              "active learning: relative P10-P90 width, or relative distance outside the band",
              doubleIn(0, 100, false)),
          // beyond the seed's keys (DESIGN section 3)
          new Key(
              "gradient_clip_norm",
              "0.1",
              "global gradient-norm clip of an update (0 = off)",
              doubleIn(0, 1000, false)),
          new Key(
              "warm_restart_period",
              "0",
              "updates per cosine learning-rate cycle; each cycle restarts Adam (0 = off)",
              intIn(0, 10_000)),
          new Key(
              "warm_restart_min_factor",
              "0.1",
              "learning-rate factor at the end of a warm-restart cycle",
              doubleIn(0, 1, true)),
          new Key(
              "drift_learning_rate_factor",
              "0.5",
              "learning-rate factor of the immediate update a drift triggers",
              doubleIn(0, 1, true)),
          new Key(
              "breaker_max_failures",
              "3",
              "consecutive failed updates (aborted or rejected) that open the circuit breaker",
              intIn(1, 1000)),
          new Key(
              "breaker_cooldown_minutes",
              "720",
              "event-time minutes the open breaker waits before it lets an update try again",
              intIn(1, 30 * DAY_MINUTES)),
          new Key(
              "shadow_minutes",
              "60",
              "event-time minutes a gated candidate is scored on live samples first (0 = off)",
              intIn(0, 7 * DAY_MINUTES)),
          new Key(
              "shadow_min_samples",
              "30",
              "live samples a shadow candidate must be scored on before it can be promoted",
              intIn(1, 1_000_000)),
          new Key(
              "update_hours",
              "",
              "hours of day (UTC) in which updates may start, e.g. 0-5,22-23 (empty = any)",
              hours()),
          new Key(
              "ensemble_size",
              "3",
              "ensemble strategy: last promoted versions served",
              intIn(1, 20)),
          new Key(
              "ensemble_temperature",
              "0.1",
              "ensemble weights: softmax of -(loss / best loss - 1) / temperature",
              doubleIn(0, 100, true)),
          new Key(
              "ewc_weight",
              "0.0",
              "elastic-weight-consolidation penalty (diagonal Fisher on replayed samples; 0 = off)",
              doubleIn(0, 1e6, false)),
          new Key(
              "distillation_weight",
              "0.1",
              "keeps candidate outputs near the parent's on replayed samples (0 = off)",
              doubleIn(0, 1e6, false)),
          new Key(
              "trainable_blocks",
              "",
              "block scopes an update trains, e.g. decoder,output (empty = all)",
              names()),
          new Key(
              "holdout_share",
              "0.2",
              "share of origin-time blocks kept as hold-out, never trained on",
              doubleIn(0, 0.5, true)),
          new Key(
              "holdout_block_minutes",
              "60",
              "length of the origin-time blocks that go to the hold-out whole",
              intIn(1, DAY_MINUTES)),
          new Key(
              "holdout_max_samples",
              "500",
              "hold-out samples kept (the most recent)",
              intIn(10, 1_000_000)),
          new Key(
              "window_max_samples",
              "5000",
              "sliding-window samples kept across all hosts (uniform subsample beyond this)",
              intIn(10, 10_000_000)),
          new Key(
              "max_update_samples",
              "1024",
              "training samples of one update (hosts are sampled beyond this)",
              intIn(1, 1_000_000)),
          new Key(
              "drift_detector",
              "seed",
              "seed | page_hinkley | adwin",
              oneOf("seed", "page_hinkley", "adwin")),
          new Key(
              "page_hinkley_delta",
              "0.1",
              "Page-Hinkley: tolerated rise of the error, in units of the baseline error",
              doubleIn(0, 100, false)),
          new Key(
              "page_hinkley_lambda",
              "30",
              "Page-Hinkley: alarm threshold of the cumulative rise, in baseline-error units",
              doubleIn(0, 1e6, true)),
          new Key(
              "adwin_delta",
              "0.002",
              "ADWIN: confidence of a cut (smaller = fewer false alarms)",
              doubleIn(0, 1, true)),
          new Key(
              "rollback_tolerance",
              "0.05",
              "extra fraction beyond validation_threshold a promoted model's live loss may lose",
              doubleIn(0, 10, false)),
          new Key(
              "rollback_watch_minutes",
              "360",
              "event-time minutes after a promotion in which live losses are compared",
              intIn(1, 30 * DAY_MINUTES)),
          new Key(
              "rollback_min_samples",
              "50",
              "live samples both models are scored on before a rollback can be decided",
              intIn(1, 1_000_000)),
          new Key(
              "live_score_max_samples",
              "2000",
              "live samples a shadow trial or rollback watch runs the models on at most: a stable"
                  + " hash-chosen share of the samples, spread over its period by the recent"
                  + " sample rate (0 = every sample)",
              intIn(0, 10_000_000)),
          new Key(
              "canary_share",
              "0.0",
              "share of hosts (stable hash of the host id) a promoted version serves first (0 = off)",
              doubleIn(0, 0.9, false)),
          new Key(
              "canary_period_minutes",
              "120",
              "event-time minutes of forecasts the canary and the other hosts are compared on",
              intIn(1, 7 * DAY_MINUTES)),
          new Key(
              "canary_min_samples",
              "50",
              "matured samples each group needs before a canary is decided on its errors",
              intIn(1, 1_000_000)),
          new Key(
              "canary_tolerance",
              "0.05",
              "fraction by which the canary's live loss may exceed the other hosts' and still go to all",
              doubleIn(0, 10, false)),
          new Key(
              "screen_max_deviation",
              "500",
              "a sample is suspect if a target value lies more than this many of the served model's"
                  + " target standard deviations from its target mean (0 = off)",
              doubleIn(0, 1e12, false)),
          new Key(
              "screen_constant_steps",
              "12",
              "a sample is suspect if this many consecutive actuals are exactly equal, far from a"
                  + " history that varied (0 = off)",
              intIn(0, 10_000)),
          new Key(
              "screen_constant_deviation",
              "10",
              "how far a constant run of actuals must lie from the history's median, in robust"
                  + " scales (1.4826 MAD) of the history, to be suspect",
              doubleIn(0, 1e12, true)),
          new Key(
              "max_suspect_share",
              "0.1",
              "an update fails the gate (poisoned_batch) when more of the samples since the last"
                  + " update than this share are suspect (1 = never; suspects are never trained on)",
              doubleIn(0, 1, false)),
          new Key(
              "seed",
              "42",
              "seeds sampling and training, so runs are reproducible",
              intIn(0, Integer.MAX_VALUE)));
}
