package org.tftflink.model.online.eval;

import java.util.List;
import org.tftflink.model.tft.Forecast;
import org.tftflink.model.tft.TftWindow;

/**
 * The full forecasts of a model (with attention and variable-selection weights), for the report's
 * interpretability section; the TFT gives them, other forecasters need not.
 */
@FunctionalInterface
public interface Explainer<M> {
  List<Forecast> explain(M model, List<TftWindow> windows);
}
