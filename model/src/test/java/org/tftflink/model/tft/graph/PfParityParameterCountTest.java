package org.tftflink.model.tft.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.bench.FlopEstimate;

/**
 * Pins the parameters of {@link TftConfig#pfParity()}, module by module, against PyTorch
 * Forecasting 1.8.0's {@code TemporalFusionTransformer.from_dataset} in the configuration of {@code
 * ../shared/bench/pf_tft_bench.py} (79,127 parameters). PF's counts below are derived from its
 * {@code _tft.py} and {@code sub_modules.py}: ten reals (7 unknown, hour, day of week, relative
 * time index), each with its own {@code Linear(1, 16)} prescaler shared by the encoder and decoder
 * selection, no static variables (PF then feeds a zero static embedding to the four context GRNs
 * and has no static selection network), and {@code add_target_scales=False} by default, so no
 * {@code OT_center}/{@code OT_scale} static reals. Ours has 90,367; the remaining differences, each
 * written out as a term of the expected count:
 *
 * <ul>
 *   <li>GRN skips where input and output sizes differ (the selection networks' flattened and
 *       per-variable GRNs): ours is a linear layer, as in the TFT paper; PF's {@code ResampleNorm}
 *       interpolates (no weights) and adds a gate vector and a layer norm (3 × out). +7,542.
 *   <li>The per-variable GRNs of one selection network share one layer norm (ours), PF has one per
 *       variable. -704.
 *   <li>Our static selection network over two static reals, the window's target location and scale,
 *       which the graph always has (fed zeros when target-scale inputs are off, so every model has
 *       one shape) and PF has not: 4,570, plus their two prescalers (64).
 *   <li>The decoder has its own prescalers for the three known reals; PF reuses the encoder's. +96.
 *   <li>One LSTM bias vector per gate block; PyTorch's LSTM has two ({@code b_ih}, {@code b_hh},
 *       redundant). -256.
 *   <li>No biases on the attention's query, key and value projections. -72.
 * </ul>
 *
 * <p>Only the first two change the arithmetic per time step (the linear skips are about 2.3 of the
 * model's 15.6 MFLOP of matrix products per sample); the static network runs once per window.
 */
class PfParityParameterCountTest {
  private static final int PF_TOTAL = 79_127;
  private static final long H = 32;
  private static final long DC = 16;
  private static final long DK = H / 4;

  @Test
  void shouldDifferFromPytorchForecastingOnlyByTheStatedModuleDifferences() {
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("prescalers", 10 * linear(1, DC) + 3 * linear(1, DC) + 2 * linear(1, DC));
    expected.put(
        "static_vsn",
        0
            + pfGrn(2 * DC, 2, 2, 0)
            + skipDifference(2 * DC, 2)
            + 2 * pfGrn(DC, DC, H, 0)
            + 2 * skipDifference(DC, H)
            - layerNorm(H));
    expected.put("encoder_vsn/flat_grn", pfGrn(10 * DC, 10, 10, H) + skipDifference(10 * DC, 10));
    expected.put(
        "encoder_vsn/var_grn",
        10 * pfGrn(DC, DC, H, 0) + 10 * skipDifference(DC, H) - 9 * layerNorm(H));
    expected.put("decoder_vsn/flat_grn", pfGrn(3 * DC, 3, 3, H) + skipDifference(3 * DC, 3));
    expected.put(
        "decoder_vsn/var_grn",
        3 * pfGrn(DC, DC, H, 0) + 3 * skipDifference(DC, H) - 2 * layerNorm(H));
    expected.put("static_encoder", 4 * pfGrn(H, H, H, 0));
    expected.put("lstm", 2 * pfLstm(H) - 2 * 4 * H);
    expected.put("post_lstm", pfGateAddNorm(H));
    expected.put("static_enrichment", pfGrn(H, H, H, H));
    expected.put("attention", pfAttention(4) - (4 * DK + 4 * DK + DK));
    expected.put("post_attention", pfGateAddNorm(H));
    expected.put("positionwise_grn", pfGrn(H, H, H, 0));
    expected.put("pre_output", pfGateAddNorm(H));
    expected.put("output", linear(H, 3));

    Map<String, Long> actual = countsByModule(TftConfig.pfParity());

    assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
    assertThat(actual.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(90_367);
  }

  @Test
  void shouldCountPytorchForecastingsModelAsItsBenchmarkReports() {
    long pf =
        10 * linear(1, DC) // prescalers
            + pfGrn(10 * DC, 10, 10, H)
            + 10 * pfGrn(DC, DC, H, 0) // encoder selection
            + pfGrn(3 * DC, 3, 3, H)
            + 3 * pfGrn(DC, DC, H, 0) // decoder selection
            + 4 * pfGrn(H, H, H, 0) // static contexts
            + 2 * pfLstm(H)
            + pfGateAddNorm(H) // post-LSTM gate, shared by encoder and decoder
            + pfGrn(H, H, H, H) // static enrichment
            + pfAttention(4)
            + pfGateAddNorm(H)
            + pfGrn(H, H, H, 0)
            + pfGateAddNorm(H)
            + linear(H, 3);

    assertThat(pf).isEqualTo(PF_TOTAL);
  }

  @Test
  void shouldKeepTheShapeWhetherOrNotTargetScalesAreInputs() {
    // the two static reals are always in the graph: with target-scale inputs off they are fed
    // zeros, so a model keeps its shape (and its envelope) whichever way it was trained
    long on = total(TftConfig.pfParity().toBuilder().targetScaleInputs(true).build());
    long off = total(TftConfig.pfParity());

    assertThat(on).isEqualTo(off);
  }

  @Test
  void shouldAddTheMissingIndicatorsAsSevenMoreEncoderVariablesInTheReference() {
    long reference = total(TftConfig.reference());
    long parity = total(TftConfig.pfParity());

    // 7 more prescalers and per-variable GRNs, and a flattened GRN over 17 × 16 inputs
    long extra =
        7 * linear(1, DC)
            + 7 * (pfGrn(DC, DC, H, 0) + skipDifference(DC, H) - layerNorm(H))
            + (pfGrn(17 * DC, 17, 17, H) + skipDifference(17 * DC, 17))
            - (pfGrn(10 * DC, 10, 10, H) + skipDifference(10 * DC, 10));
    assertThat(reference).isEqualTo(112_711);
    assertThat(reference - parity).isEqualTo(extra);
  }

  @Test
  void shouldEstimateTheMatmulFlopsOfTheGraphsActualWidths() {
    // per-variable GRNs at hidden 16: 15.6 MFLOP for pfParity, 22.6 for the reference (it said
    // 34.6, counting them at hidden 32)
    assertThat(FlopEstimate.forwardPerSample(TftConfig.pfParity())).isEqualTo(15_584_976.0);
    assertThat(FlopEstimate.forwardPerSample(TftConfig.reference())).isEqualTo(22_624_512.0);
  }

  private static long total(TftConfig c) {
    return countsByModule(c).values().stream().mapToLong(Long::longValue).sum();
  }

  /** Parameter counts by module: the selection networks split into flattened and per-variable. */
  static Map<String, Long> countsByModule(TftConfig c) {
    Map<String, Long> counts = new TreeMap<>();
    TftGraph.build(c)
        .parameters()
        .forEach((name, array) -> counts.merge(module(name), array.length(), Long::sum));
    return counts;
  }

  private static String module(String name) {
    String[] parts = name.split("/");
    if (parts[0].endsWith("_prescale")) {
      return "prescalers";
    }
    if (parts[0].equals("encoder_vsn") || parts[0].equals("decoder_vsn")) {
      return parts[0] + "/" + parts[1];
    }
    return parts[0];
  }

  private static long linear(long in, long out) {
    return in * out + out;
  }

  private static long layerNorm(long n) {
    return 2 * n;
  }

  /** PF's GatedResidualNetwork: fc1, context (no bias), fc2, GLU's fc to 2 × out, AddNorm. */
  private static long pfGrn(long in, long hidden, long out, long context) {
    long resampleNorm = in != out ? out + layerNorm(out) : 0;
    return linear(in, hidden)
        + context * hidden
        + linear(hidden, hidden)
        + linear(hidden, 2 * out)
        + layerNorm(out)
        + resampleNorm;
  }

  /** Our linear skip in place of PF's ResampleNorm (interpolation, gate vector, layer norm). */
  private static long skipDifference(long in, long out) {
    return linear(in, out) - (out + layerNorm(out));
  }

  private static long pfGateAddNorm(long h) {
    return linear(h, 2 * h) + layerNorm(h);
  }

  /** torch.nn.LSTM, one layer: weight_ih, weight_hh, bias_ih, bias_hh. */
  private static long pfLstm(long h) {
    return 2 * (4 * h * h) + 2 * (4 * h);
  }

  /** Shared value projection, per-head query and key projections, output projection w/o bias. */
  private static long pfAttention(int heads) {
    return linear(H, DK) + 2 * heads * linear(H, DK) + DK * H;
  }
}
