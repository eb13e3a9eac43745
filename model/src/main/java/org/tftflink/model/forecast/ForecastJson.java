package org.tftflink.model.forecast;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Writes a {@link Forecast} as the JSON of the forecast contract (DESIGN.md section 2,
 * docs/schemas/forecast.schema.json). Quantile fields are named {@code p10}, {@code p50}, ... after
 * their level.
 */
public final class ForecastJson {

  // Jackson's fast floating-point writer (Schubfach) instead of the JDK's, which was a hot spot
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

  private ForecastJson() {}

  public static byte[] toJson(Forecast f) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 64 * f.horizon());
    String[] names = quantileNames(f.quantiles());
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("host", f.host());
      g.writeStringField("target", f.target());
      g.writeStringField("issuedAt", IsoInstants.format(f.issuedAtMillis()));
      g.writeStringField("step", Duration.ofMillis(f.stepMillis()).toString());
      g.writeObjectFieldStart("model");
      g.writeStringField("kind", f.model().kind());
      g.writeNumberField("version", f.model().version());
      g.writeNumberField("epoch", f.model().epoch());
      if (f.model().method() != null) {
        g.writeStringField("method", f.model().method());
      }
      g.writeEndObject();
      g.writeArrayFieldStart("quantiles");
      for (double q : f.quantiles()) {
        g.writeNumber(q);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("horizon");
      for (int h = 0; h < f.horizon(); h++) {
        g.writeStartObject();
        g.writeStringField("ts", IsoInstants.format(f.horizonTimestamp(h)));
        for (int q = 0; q < names.length; q++) {
          g.writeNumberField(names[q], (float) f.values()[h][q]);
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write forecast of host " + f.host(), e);
    }
    return out.toByteArray();
  }

  /** {@code 0.1 -> "p10"}, {@code 0.5 -> "p50"}, {@code 0.975 -> "p97.5"}. */
  static String[] quantileNames(double[] quantiles) {
    String[] names = new String[quantiles.length];
    for (int i = 0; i < quantiles.length; i++) {
      double pct = quantiles[i] * 100;
      long rounded = Math.round(pct);
      names[i] = Math.abs(pct - rounded) < 1e-9 ? "p" + rounded : "p" + (float) pct;
    }
    return names;
  }
}
