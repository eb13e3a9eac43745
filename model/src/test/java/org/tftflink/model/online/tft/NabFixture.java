package org.tftflink.model.online.tft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tftflink.model.tft.TftConfig;
import org.tftflink.model.tft.TrainingSample;
import org.tftflink.model.tft.eval.CsvSeries;
import org.tftflink.model.tft.eval.SeriesWindows;

/** The bundled demo model (hidden 8, encoder 48) and windows of a bundled NAB series. */
final class NabFixture {
  static final Path MODEL = Path.of("../job/src/main/resources/models/nab-small.tft");
  static final Path SERIES =
      Path.of(
          "../job/src/main/resources/data/nab/realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv");

  private NabFixture() {}

  static byte[] envelope() {
    try {
      return Files.readAllBytes(MODEL);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stride-1 samples of the series with {@code shift} added to every value from row {@code shiftAt}
   * on, for origins {@code [first, last]}.
   */
  static List<TrainingSample> samples(
      TftConfig config, double shift, int shiftAt, int first, int last) {
    CsvSeries csv = CsvSeries.load(SERIES);
    double[] y = csv.columnValues(csv.column("value"));
    double[][] observed = new double[y.length][1];
    for (int i = 0; i < y.length; i++) {
      observed[i][0] = y[i] + (i >= shiftAt ? shift : 0);
    }
    return new SeriesWindows(config, observed, SeriesWindows.calendar(csv.timestampsMs()))
        .samples(first, last);
  }
}
