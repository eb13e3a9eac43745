package org.tftflink.model.online.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tftflink.model.online.tft.TftWeights;
import org.tftflink.model.tft.Forecast;
import org.tftflink.model.tft.TftModel;
import org.tftflink.model.tft.TftWindow;

/**
 * Full TFT forecasts (attention and variable-selection weights) of any version, for the report: one
 * working model, built once (a graph costs about a second), takes each version's weights.
 */
public final class TftExplainer implements Explainer<TftWeights> {
  private TftModel working;

  @Override
  public List<Forecast> explain(TftWeights model, List<TftWindow> windows) {
    if (working == null
        || !working.config().equals(model.config())
        || working.scaler() != model.scaler()) {
      Map<String, double[]> p = new LinkedHashMap<>();
      for (String name : model.parameterNames()) {
        p.put(name, model.parameter(name));
      }
      working = TftModel.restore(model.config(), model.scaler(), p);
    } else {
      for (Map.Entry<String, INDArray> e : working.parameters().entrySet()) {
        INDArray a = e.getValue();
        a.assign(
            Nd4j.create(model.parameter(e.getKey()), a.shape(), DataType.DOUBLE)
                .castTo(a.dataType()));
      }
    }
    return working.predict(windows);
  }
}
