package org.tftflink.model.tft.bench;

import org.tftflink.model.tft.TftConfig;

/**
 * Multiply-add count (×2 = FLOPs) of the TFT's matmuls per sample, from the config; elementwise ops
 * left out.
 */
public final class FlopEstimate {
  private FlopEstimate() {}

  public static double forwardPerSample(TftConfig c) {
    double h = c.hiddenSize();
    double dc = c.hiddenContinuousSize();
    double tEnc = c.encoderLength();
    double tDec = c.horizon();
    double t = tEnc + tDec;
    double dk = h / c.attentionHeads();
    // per-variable GRNs run at hidden min(dc, h), as in VariableSelectionNetwork: skip dc -> h,
    // fc1 and fc2 at that width, GLU value and gate to h
    double hv = Math.min(dc, h);
    double perVarGrn = (dc == h ? 0 : dc * h) + dc * hv + hv * hv + 2 * hv * h;
    double vsnEnc = c.encoderVariables() * perVarGrn + flatGrn(c.encoderVariables(), dc, h);
    double vsnDec = c.decoderVariables() * perVarGrn + flatGrn(c.decoderVariables(), dc, h);
    double lstm = c.lstmLayers() * 8 * h * h; // input and recurrent projections, 4 gates each
    double grn = 4 * h * h; // fc1, fc2, GLU value and gate
    double macs =
        tEnc * (vsnEnc + lstm)
            + tDec * (vsnDec + lstm)
            + t * (2 * h * h) // post-LSTM gate
            + t * (grn + h * h) // static enrichment (with context)
            + tDec * h * h
            + t * h * h
            + t * h * dk // attention projections q, k, v
            + c.attentionHeads() * tDec * t * dk
            + tDec * t * dk
            + tDec * dk * h // scores, A·V, output
            + tDec
                * (2 * h * h
                    + grn
                    + 2 * h * h
                    + h * c.quantiles().length); // post-attn, GRN, pre-output, head
    return 2 * macs;
  }

  private static double flatGrn(int vars, double dc, double h) {
    double in = vars * dc;
    double hid = Math.min(h, vars);
    return in * hid + in * vars + hid * hid + 2 * hid * vars;
  }
}
