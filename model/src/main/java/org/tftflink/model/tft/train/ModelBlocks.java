package org.tftflink.model.tft.train;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Names for groups of TFT parameters, so that an update can train only some blocks. A block is one
 * of the named groups below or any scope prefix of a parameter name (for instance {@code
 * attention}, {@code lstm/decoder} or {@code encoder_vsn}); a name matches a parameter when it
 * equals the name or a leading run of its {@code /}-separated scopes.
 *
 * <ul>
 *   <li>{@code inputs}: the per-variable input transforms ({@code static_prescale}, {@code
 *       static_embedding}, {@code encoder_prescale}, {@code decoder_prescale})
 *   <li>{@code variable_selection}: {@code static_vsn}, {@code encoder_vsn}, {@code decoder_vsn}
 *   <li>{@code static_encoder}: the four static context GRNs
 *   <li>{@code encoder}: the LSTM encoder over the history ({@code lstm/encoder})
 *   <li>{@code decoder}: the LSTM decoder over the horizon and the temporal fusion decoder ({@code
 *       lstm/decoder}, {@code post_lstm}, {@code static_enrichment}, {@code attention}, {@code
 *       post_attention}, {@code positionwise_grn}, {@code pre_output})
 *   <li>{@code output}: the quantile head
 * </ul>
 */
public final class ModelBlocks {
  /** The named groups by name, each a list of scope prefixes; together they cover every param. */
  public static final Map<String, List<String>> GROUPS = groups();

  private ModelBlocks() {}

  private static Map<String, List<String>> groups() {
    Map<String, List<String>> g = new LinkedHashMap<>();
    g.put(
        "inputs",
        List.of("static_prescale", "static_embedding", "encoder_prescale", "decoder_prescale"));
    g.put("variable_selection", List.of("static_vsn", "encoder_vsn", "decoder_vsn"));
    g.put("static_encoder", List.of("static_encoder"));
    g.put("encoder", List.of("lstm/encoder"));
    g.put(
        "decoder",
        List.of(
            "lstm/decoder",
            "post_lstm",
            "static_enrichment",
            "attention",
            "post_attention",
            "positionwise_grn",
            "pre_output"));
    g.put("output", List.of("output"));
    return java.util.Collections.unmodifiableMap(g);
  }

  /**
   * The parameters of {@code parameterNames} that belong to the given blocks; an empty set of
   * blocks means every parameter.
   *
   * @throws IllegalArgumentException naming a block that matches no parameter
   */
  public static Set<String> trainable(Set<String> blocks, Set<String> parameterNames) {
    if (blocks.isEmpty()) {
      return new LinkedHashSet<>(parameterNames);
    }
    Set<String> out = new LinkedHashSet<>();
    for (String block : blocks) {
      List<String> prefixes = GROUPS.getOrDefault(block, List.of(block));
      boolean any = false;
      for (String name : parameterNames) {
        for (String prefix : prefixes) {
          if (name.equals(prefix) || name.startsWith(prefix + "/")) {
            out.add(name);
            any = true;
          }
        }
      }
      if (!any) {
        throw new IllegalArgumentException(
            "trainable block '"
                + block
                + "' matches no parameter of this model; use one of "
                + GROUPS.keySet()
                + " or a scope prefix of a parameter name");
      }
    }
    // keep the model's order, so that norms and updates run in the same order as full training
    Set<String> ordered = new LinkedHashSet<>();
    for (String name : parameterNames) {
      if (out.contains(name)) {
        ordered.add(name);
      }
    }
    return ordered;
  }

  /** The named group a parameter belongs to, or null if none (a graph change to look at). */
  public static String groupOf(String parameterName) {
    for (Map.Entry<String, List<String>> e : GROUPS.entrySet()) {
      for (String prefix : e.getValue()) {
        if (parameterName.equals(prefix) || parameterName.startsWith(prefix + "/")) {
          return e.getKey();
        }
      }
    }
    return null;
  }
}
