package org.tftflink.operators.serving;

import org.apache.flink.util.OutputTag;

/** Emits a record on one of the operator's side outputs, from outside a function call. */
@FunctionalInterface
public interface SideOutputs {
  <T> void emit(OutputTag<T> tag, T value, long timestamp);
}
