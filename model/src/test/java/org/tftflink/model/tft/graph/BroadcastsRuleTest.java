package org.tftflink.model.tft.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No main source of the project runs an ND4J broadcast the way that loses its op during the native
 * call ({@link Broadcasts} says why): no {@code addiRowVector} and kin, no inline {@code
 * Nd4j.exec(new Broadcast...Op(...))}.
 */
class BroadcastsRuleTest {
  private static final Pattern UNSAFE =
      Pattern.compile(
          "\\.\\w+(RowVector|ColumnVector)\\(|Nd4j\\.exec\\(\\s*new\\s+Broadcast\\w*Op\\(");

  @Test
  void everyBroadcastGoesThroughBroadcasts() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (String module : List.of("../model", "../operators", "../job")) {
      Path sources = Path.of(module, "src", "main", "java");
      if (!Files.isDirectory(sources)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(sources)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          List<String> lines = Files.readAllLines(f);
          for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (!line.startsWith("*") && !line.startsWith("//") && UNSAFE.matcher(line).find()) {
              offenders.add(f + ":" + (i + 1) + ": " + line);
            }
          }
        }
      }
    }
    assertThat(Path.of("src", "main", "java", "org", "tftflink", "model", "tft", "graph"))
        .isDirectory();
    assertThat(offenders).isEmpty();
  }

  @Test
  void theRuleCatchesWhatItIsFor() {
    assertThat(UNSAFE.matcher("y.addiRowVector(b)").find()).isTrue();
    assertThat(UNSAFE.matcher("x.subiColumnVector(m)").find()).isTrue();
    assertThat(UNSAFE.matcher("Nd4j.exec(new BroadcastAddOp(y, b, y, 1));").find()).isTrue();
    assertThat(UNSAFE.matcher("Broadcasts.exec(new BroadcastAddOp(y, b, y, 1));").find()).isFalse();
    assertThat(UNSAFE.matcher("Broadcasts.addiRow(y, b)").find()).isFalse();
  }
}
