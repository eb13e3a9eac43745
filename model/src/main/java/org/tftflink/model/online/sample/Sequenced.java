package org.tftflink.model.online.sample;

import org.tftflink.model.online.MaturedSample;

/**
 * A sample with its arrival number, so that "new since the last update" needs no clock.
 *
 * @param seq the learner's running count of observed samples at arrival
 * @param sample the sample
 */
public record Sequenced(long seq, MaturedSample sample) {}
