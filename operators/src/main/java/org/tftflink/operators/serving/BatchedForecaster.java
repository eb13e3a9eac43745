package org.tftflink.operators.serving;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * What {@link BatchingBroadcastOperator} needs from the keyed function it runs: where to send
 * batched forecasts, and a flush of the waiting batch. The operator depends on this interface, not
 * on the function, so serving and the keyed forecaster do not import each other.
 */
public interface BatchedForecaster {

  /** Broadcast state: the served model, one entry under {@link #SERVED_KEY}. */
  String MODEL_STATE_NAME = "serving-model";

  String SERVED_KEY = "served";

  MapStateDescriptor<String, ServingModelState> MODEL_STATE =
      new MapStateDescriptor<>(
          MODEL_STATE_NAME, Types.STRING, TypeInformation.of(ServingModelState.class));

  /**
   * Called by the operator before the function's {@code open}.
   *
   * @param emitter where batched forecasts go
   * @param armFlush asks for a flush timer once a request waits in an empty batch
   * @param keys runs an action under a host's key (a batch is flushed under some other key, or
   *     none)
   * @param sideOutputs the operator's side outputs, for what a flush produces besides forecasts
   */
  void attach(
      InferenceBatcher.Emitter emitter, Runnable armFlush, KeyScope keys, SideOutputs sideOutputs);

  /** Predicts every buffered request now. */
  void flush();
}
