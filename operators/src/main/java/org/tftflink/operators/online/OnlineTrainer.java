package org.tftflink.operators.online;

import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.tftflink.model.online.MaturedSample;
import org.tftflink.model.online.OnlineLearner;
import org.tftflink.model.online.canary.CanaryRollout;
import org.tftflink.model.online.tft.TftModelOps;

/**
 * The online trainer of DESIGN.md section 1, keyed by trainer shard: matured samples on the first
 * input, {@code tft-control} commands on the second, each shard driving one {@link OnlineLearner}.
 * Promoted (and rolled-back-to) versions leave as {@code tft-models} envelopes on the main output,
 * every learner decision as one JSON line on {@link #EVENTS}.
 *
 * <p>Updates run on the subtask's own training thread with its own {@link TftModelOps} (a working
 * model is single-threaded), and their outcome is applied through the operator's mailbox, on the
 * task thread, so the learner only ever changes between records and a checkpoint sees it before or
 * after an update, never half-way. An update still running when a checkpoint is taken is not in it:
 * after a restore it is gone, and the learner asks again when it is next due. With {@code sync}
 * updates run inline, for replays that must decide the same every time.
 *
 * <p>Timeline rule: on every restore each shard's epoch is bumped and its served version is
 * published again under the new epoch, so that restored inference (which accepts only epochs above
 * those it had seen) follows the trainer's timeline and nothing of an abandoned one.
 *
 * <p>What is published is a serving plan: the learner's served members with their weights (an
 * ensemble's, or one model as its plain envelope). With {@code canary_share > 0} a promoted version
 * first serves a canary of hosts beside the previous plan ({@link CanaryStage}); the learning
 * core's {@link CanaryRollout} decides on the matured samples, and the version then goes to every
 * host or is rolled back. No update starts while a canary runs.
 */
public class OnlineTrainer extends TrainerOperator
    implements TwoInputStreamOperator<MaturedSample, String, byte[]>, BoundedMultiInput {

  private static final long serialVersionUID = 1L;

  /** Audit lines for {@code tft-model-events}. */
  public static final OutputTag<String> EVENTS = TrainerOperator.EVENTS;

  /** Keyed by shard: the learner's snapshot, its epoch and its last published version. */
  public static final String LEARNER_STATE = "learner";

  public static final String EPOCH_STATE = "epoch";
  public static final String SERVED_STATE = "served-version";

  /** Keyed by shard: the running canary ({@link CanaryStage} bytes), absent when none runs. */
  public static final String CANARY_STATE = "canary";

  public OnlineTrainer(TrainerConfig config) {
    this(config, TrainingExecutor.singleThread());
  }

  public OnlineTrainer(TrainerConfig config, TrainingExecutor executors) {
    super(config, executors);
  }

  @Override
  public void processElement1(StreamRecord<MaturedSample> record) throws Exception {
    onSample(record);
  }

  /** A control command; applied at the shard's event-time clock, so replays decide the same. */
  @Override
  public void processElement2(StreamRecord<String> record) throws Exception {
    onCommand(record);
  }

  /** At the end of a bounded input, waits for running updates so their decisions are not lost. */
  @Override
  public void endInput(int inputId) throws Exception {
    if (inputId == 1) {
      finishRunningUpdates();
    }
  }
}
