package org.tftflink.operators.serving;

/** Runs an action with a given key as the keyed-state context, then restores the previous key. */
@FunctionalInterface
public interface KeyScope {
  void runAs(Object key, Runnable action);
}
