package org.tftflink.operators.online;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.tftflink.model.online.tft.TftWeights;
import org.tftflink.model.tft.envelope.InvalidModelDataException;
import org.tftflink.model.tft.envelope.ModelData;
import org.tftflink.model.tft.envelope.ModelSignature;
import org.tftflink.model.tft.envelope.ServingPlan;
import org.tftflink.model.tft.envelope.ServingPlanSerializer;
import org.tftflink.operators.serving.ModelTimeline;
import org.tftflink.operators.serving.ServingModelState;

/**
 * The global version a federated shard subtask trains from: the newest {@code tft-models} message
 * under the timeline rule (the newest (epoch, version), after a restore only epochs above those
 * seen before), as inference follows it. Kept as union operator state: on a restore at any
 * parallelism every subtask reads every copy and keeps the newest ({@link #restore}).
 */
final class GlobalVersion {

  private final ServingModelState state = new ServingModelState();
  private TftWeights weights;

  /** Every subtask's copy of a restored checkpoint (union state): the newest one wins. */
  void restore(Iterable<byte[]> copies) throws IOException {
    for (byte[] b : copies) {
      ServingModelState s = read(b);
      state.highestEpochSeen = Math.max(state.highestEpochSeen, s.highestEpochSeen);
      boolean newer =
          s.hasModel()
              && (!state.hasModel()
                  || s.epoch > state.epoch
                  || (s.epoch == state.epoch && s.version > state.version));
      if (newer) {
        state.envelope = s.envelope;
        state.epoch = s.epoch;
        state.version = s.version;
      }
    }
    ModelTimeline.restored(state);
  }

  /** The weights to train from: the restored message's, or the job's first model's. */
  void open(ModelData initial, TftWeights first) {
    if (state.hasModel()) {
      weights = newest(ServingPlanSerializer.deserialize(state.envelope));
    } else {
      weights = first;
      state.version = Math.max(1, initial.modelVersion());
      state.epoch = Math.max(1, initial.epoch());
    }
  }

  /**
   * A {@code tft-models} message; it becomes the global version if the timeline rule accepts it.
   *
   * @throws InvalidModelDataException when it cannot be read
   */
  void observe(byte[] blob) {
    byte[] message = ModelSignature.envelopeOf(blob);
    ServingPlan plan = ServingPlanSerializer.deserialize(message);
    if (ModelTimeline.observe(state, plan.epoch(), plan.version(), plan.hasCanary())
        != ModelTimeline.Verdict.ACCEPT) {
      return;
    }
    ModelTimeline.accept(state, message, plan.epoch(), plan.version(), plan.hasCanary());
    weights = newest(plan);
  }

  TftWeights weights() {
    return weights;
  }

  long version() {
    return state.version;
  }

  /** The version the plan is known by: the learner's current one (a canary's, or the newest). */
  private static TftWeights newest(ServingPlan plan) {
    ServingPlan.Group g = plan.hasCanary() ? plan.canary() : plan.stable();
    return TftWeights.of(g.members().get(0));
  }

  /** This subtask's copy, for the union state. */
  byte[] write() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(state.epoch);
      out.writeLong(state.version);
      out.writeLong(state.highestEpochSeen);
      out.writeBoolean(state.hasModel());
      if (state.hasModel()) {
        out.writeInt(state.envelope.length);
        out.write(state.envelope);
      }
    }
    return bytes.toByteArray();
  }

  private static ServingModelState read(byte[] b) throws IOException {
    ServingModelState s = new ServingModelState();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      s.epoch = in.readLong();
      s.version = in.readLong();
      s.highestEpochSeen = in.readLong();
      if (in.readBoolean()) {
        s.envelope = new byte[in.readInt()];
        in.readFully(s.envelope);
      }
    }
    return s;
  }
}
