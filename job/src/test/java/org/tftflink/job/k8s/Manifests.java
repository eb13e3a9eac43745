package org.tftflink.job.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The manifests of the repository's k8s/ folder, one parsed YAML document each. */
final class Manifests {

  static final Path K8S = Path.of("..", "k8s");
  static final ObjectMapper YAML = new YAMLMapper();

  /** One YAML document of a manifest file. */
  record Doc(String file, JsonNode node) {
    String kind() {
      return node.path("apiVersion").asText() + "/" + node.path("kind").asText();
    }

    @Override
    public String toString() {
      return file + " (" + kind() + ")";
    }
  }

  private Manifests() {}

  static List<Doc> all() {
    assertThat(K8S).as("run from the job module so that ../k8s resolves").isDirectory();
    List<Doc> docs = new ArrayList<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        docs.addAll(parse(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  static List<Doc> parse(Path file) throws IOException {
    List<Doc> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(file.toFile())) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && !n.isEmpty()) {
          docs.add(new Doc(file.getFileName().toString(), n));
        }
      }
    }
    return docs;
  }

  static Doc one(String file) {
    List<Doc> docs = all().stream().filter(d -> d.file().equals(file)).toList();
    assertThat(docs).as(file).hasSize(1);
    return docs.get(0);
  }

  static List<Doc> ofKind(String apiVersionAndKind) {
    return all().stream().filter(d -> d.kind().equals(apiVersionAndKind)).toList();
  }

  static String text(String file) throws IOException {
    return Files.readString(K8S.resolve(file));
  }
}
