package org.tftflink.model.tft.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Central-difference gradient check in DOUBLE: loss = Σ sum(out_i ∘ R_i) with fixed random R_i,
 * analytic gradients from SameDiff against (L(w+ε) - L(w-ε)) / 2ε per parameter element. Works with
 * placeholders, unlike GradCheckUtil.
 */
final class GradientChecker {

  /**
   * Outcome: elements checked, elements failed, worst relative error among elements above the abs
   * floor.
   */
  record Result(int checked, int failed, double maxRelError, List<String> failures) {}

  private static final double EPS = 1e-6;
  private static final double MAX_REL = 1e-5;
  private static final double MIN_ABS = 1e-6;

  private GradientChecker() {}

  static Result check(
      SameDiff sd,
      Map<String, INDArray> feeds,
      List<String> outputs,
      int maxPerVariable,
      long seed) {
    String lossName = project(sd, feeds, outputs, sd.output(feeds, outputs.toArray(new String[0])));
    List<String> params = new ArrayList<>();
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        params.add(v.name());
      }
    }
    Map<String, INDArray> grads = sd.calculateGradients(feeds, params);
    Map<String, INDArray> arrays = new LinkedHashMap<>();
    params.forEach(p -> arrays.put(p, sd.getVariable(p).getArr()));
    return compare(
        arrays,
        grads,
        () -> sd.output(feeds, lossName).get(lossName).getDouble(0),
        maxPerVariable,
        seed);
  }

  /**
   * The same check through the whole model (front graph, Java LSTM, back graph): {@code outputs}
   * are outputs of the back graph, the analytic gradients come from {@link TftGraph#backward}.
   */
  static Result checkModel(
      TftGraph graph,
      Map<String, INDArray> feeds,
      List<String> outputs,
      int maxPerVariable,
      long seed) {
    String lossName =
        project(graph.back(), feeds, outputs, graph.output(feeds, outputs.toArray(new String[0])));
    Map<String, INDArray> grads = graph.backward(feeds, lossName).gradients();
    return compare(
        graph.parameters(),
        grads,
        () -> graph.output(feeds, lossName).get(lossName).getDouble(0),
        maxPerVariable,
        seed);
  }

  /** Adds loss = Σ sum(out_i ∘ R_i) to {@code sd} and makes it the loss; returns its name. */
  private static String project(
      SameDiff sd,
      Map<String, INDArray> feeds,
      List<String> outputs,
      Map<String, INDArray> values) {
    SDVariable loss = null;
    for (String name : outputs) {
      INDArray r = Nd4j.rand(DataType.DOUBLE, values.get(name).shape()).subi(0.5);
      SDVariable term = sd.getVariable(name).mul(sd.constant(name + "/check_projection", r)).sum();
      loss = loss == null ? term : loss.add(term);
    }
    sd.setLossVariables(loss.name());
    return loss.name();
  }

  /**
   * Compares each analytic gradient with central differences of {@code loss}, perturbing up to
   * {@code maxPerVariable} elements of each array in place.
   */
  static Result compare(
      Map<String, INDArray> arrays,
      Map<String, INDArray> grads,
      DoubleSupplier loss,
      int maxPerVariable,
      long seed) {
    Random random = new Random(seed);
    int checked = 0;
    int failed = 0;
    double worst = 0;
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
      String p = e.getKey();
      INDArray arr = e.getValue();
      INDArray grad = grads.get(p);
      if (grad == null) {
        failures.add(p + ": no gradient");
        failed++;
        continue;
      }
      long n = arr.length();
      int count = (int) Math.min(n, maxPerVariable);
      for (int c = 0; c < count; c++) {
        long idx = n <= maxPerVariable ? c : (long) (random.nextDouble() * n);
        double orig = arr.getDouble(idx);
        arr.putScalar(idx, orig + EPS);
        double plus = loss.getAsDouble();
        arr.putScalar(idx, orig - EPS);
        double minus = loss.getAsDouble();
        arr.putScalar(idx, orig);
        double numeric = (plus - minus) / (2 * EPS);
        double analytic = grad.getDouble(idx);
        double abs = Math.abs(numeric - analytic);
        double rel = abs / Math.max(Math.abs(numeric) + Math.abs(analytic), 1e-300);
        checked++;
        if (abs > MIN_ABS) {
          worst = Math.max(worst, rel);
        }
        if (rel > MAX_REL && abs > MIN_ABS) {
          failed++;
          failures.add(p + "[" + idx + "] analytic=" + analytic + " numeric=" + numeric);
        }
      }
    }
    return new Result(checked, failed, worst, failures);
  }
}
