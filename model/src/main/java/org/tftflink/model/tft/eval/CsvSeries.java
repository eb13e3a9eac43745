package org.tftflink.model.tft.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table of timestamped reals read from CSV: ETT ({@code date,HUFL,...,OT}) or NAB ({@code
 * timestamp,value}); timestamps {@code yyyy-MM-dd HH:mm:ss} without zone are read as UTC.
 */
public record CsvSeries(String[] columns, long[] timestampsMs, double[][] values) {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  public static CsvSeries load(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      if (lines.isEmpty()) {
        throw new IllegalArgumentException("CSV file " + file + " is empty");
      }
      String[] header = lines.get(0).trim().split(",");
      String[] columns = Arrays.copyOfRange(header, 1, header.length);
      List<long[]> ts = new ArrayList<>();
      List<double[]> rows = new ArrayList<>();
      for (int i = 1; i < lines.size(); i++) {
        String line = lines.get(i).trim();
        if (line.isEmpty()) {
          continue;
        }
        String[] cells = line.split(",");
        if (cells.length != header.length) {
          throw new IllegalArgumentException(
              file
                  + " line "
                  + (i + 1)
                  + " has "
                  + cells.length
                  + " cells, the header has "
                  + header.length);
        }
        ts.add(
            new long[] {
              LocalDateTime.parse(cells[0], FORMAT).toInstant(ZoneOffset.UTC).toEpochMilli()
            });
        double[] row = new double[columns.length];
        for (int j = 0; j < row.length; j++) {
          row[j] = cells[j + 1].isEmpty() ? Double.NaN : Double.parseDouble(cells[j + 1]);
        }
        rows.add(row);
      }
      return new CsvSeries(
          columns, ts.stream().mapToLong(a -> a[0]).toArray(), rows.toArray(new double[0][]));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CSV " + file, e);
    }
  }

  public int rows() {
    return values.length;
  }

  public int column(String name) {
    for (int j = 0; j < columns.length; j++) {
      if (columns[j].equals(name)) {
        return j;
      }
    }
    throw new IllegalArgumentException("no column '" + name + "' in " + Arrays.toString(columns));
  }

  public double[] columnValues(int j) {
    double[] c = new double[values.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = values[i][j];
    }
    return c;
  }
}
