package org.tftflink.model.tft.envelope;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.tftflink.model.tft.TftConfig;

/**
 * Writes a {@link TftConfig} as {@code key=value} lines and reads it back, validating through the
 * builder.
 */
public final class TftConfigCodec {
  private TftConfigCodec() {}

  public static String encode(TftConfig c) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("hiddenSize", "" + c.hiddenSize());
    m.put("attentionHeads", "" + c.attentionHeads());
    m.put("dropout", "" + c.dropout());
    m.put("hiddenContinuousSize", "" + c.hiddenContinuousSize());
    m.put("encoderLength", "" + c.encoderLength());
    m.put("horizon", "" + c.horizon());
    m.put(
        "quantiles",
        Arrays.stream(c.quantiles()).mapToObj(Double::toString).collect(Collectors.joining(",")));
    m.put("lstmLayers", "" + c.lstmLayers());
    m.put("observedReals", "" + c.observedReals());
    m.put("knownReals", "" + c.knownReals());
    m.put("staticCategoricals", "" + c.staticCategoricals());
    m.put("hashBuckets", "" + c.hashBuckets());
    m.put("staticReals", "" + c.staticReals());
    m.put("missingIndicators", "" + c.missingIndicators());
    m.put("relativeTimeIndex", "" + c.relativeTimeIndex());
    m.put("targetScaleInputs", "" + c.targetScaleInputs());
    m.put("learningRate", "" + c.learningRate());
    m.put("gradientClipNorm", "" + c.gradientClipNorm());
    m.put("batchSize", "" + c.batchSize());
    m.put("maxEpochs", "" + c.maxEpochs());
    m.put("earlyStoppingPatience", "" + c.earlyStoppingPatience());
    m.put("plateauDecay", "" + c.plateauDecay());
    m.put("seed", "" + c.seed());
    m.put("targetScaleFloor", "" + c.targetScaleFloor());
    m.put("dataType", c.dataType());
    return m.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("\n"));
  }

  public static TftConfig decode(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("config line is not key=value: '" + line + "'");
      }
      m.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return TftConfig.builder()
        .hiddenSize(i(m, "hiddenSize"))
        .attentionHeads(i(m, "attentionHeads"))
        .dropout(d(m, "dropout"))
        .hiddenContinuousSize(i(m, "hiddenContinuousSize"))
        .encoderLength(i(m, "encoderLength"))
        .horizon(i(m, "horizon"))
        .quantiles(
            Arrays.stream(get(m, "quantiles").split(","))
                .mapToDouble(Double::parseDouble)
                .toArray())
        .lstmLayers(i(m, "lstmLayers"))
        .observedReals(i(m, "observedReals"))
        .knownReals(i(m, "knownReals"))
        .staticCategoricals(i(m, "staticCategoricals"))
        .hashBuckets(i(m, "hashBuckets"))
        .staticReals(i(m, "staticReals"))
        .missingIndicators(Boolean.parseBoolean(get(m, "missingIndicators")))
        .relativeTimeIndex(Boolean.parseBoolean(get(m, "relativeTimeIndex")))
        // added after format 1's first models, which all fed them
        .targetScaleInputs(
            !m.containsKey("targetScaleInputs") || Boolean.parseBoolean(m.get("targetScaleInputs")))
        .learningRate(d(m, "learningRate"))
        .gradientClipNorm(d(m, "gradientClipNorm"))
        .batchSize(i(m, "batchSize"))
        .maxEpochs(i(m, "maxEpochs"))
        .earlyStoppingPatience(i(m, "earlyStoppingPatience"))
        // added after format 1's first models: absent means off
        .plateauDecay(m.containsKey("plateauDecay") ? d(m, "plateauDecay") : 1.0)
        .seed(Long.parseLong(get(m, "seed")))
        .targetScaleFloor(d(m, "targetScaleFloor"))
        .dataType(get(m, "dataType"))
        .build();
  }

  private static String get(Map<String, String> m, String key) {
    String v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException("config has no key '" + key + "'");
    }
    return v;
  }

  private static int i(Map<String, String> m, String key) {
    return Integer.parseInt(get(m, key));
  }

  private static double d(Map<String, String> m, String key) {
    return Double.parseDouble(get(m, key));
  }
}
