package org.tftflink.model.tft.data;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batch of windows as graph feeds in scaled units, with each window's target location and scale
 * to map predictions back to original units ({@code y = loc + scale * ŷ}).
 */
public record EncodedBatch(
    Map<String, INDArray> feeds, double[] location, double[] scale, int size) {}
