package org.tftflink.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The JSON Schemas of the Kafka topics in docs/schemas, loaded offline: their {@code $id}s
 * (https://tftflink.org/schemas/...) resolve to the files' text, and the 2020-12 meta-schema to the
 * validator's bundled copy.
 */
final class ContractSchemas {

  static final Path DIR = Path.of("..", "docs", "schemas");
  static final ObjectMapper JSON = new ObjectMapper();
  private static final String ID_PREFIX = "https://tftflink.org/schemas/";

  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b.schemas(byId()));

  private ContractSchemas() {}

  /** Every schema file's text under its $id, so that no schema is ever fetched. */
  private static Map<String, String> byId() {
    Map<String, String> out = new HashMap<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".schema.json")).toList()) {
        out.put(ID_PREFIX + f.getFileName(), Files.readString(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static Schema schema(String file) {
    return REGISTRY.getSchema(SchemaLocation.of(ID_PREFIX + file));
  }

  static JsonNode node(String file) {
    try {
      return JSON.readTree(DIR.resolve(file).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Errors of {@code instance} against the schema in {@code file}, as text. */
  static List<String> errors(String file, JsonNode instance) {
    return schema(file).validate(instance).stream().map(Object::toString).toList();
  }

  /** Errors of a schema file against the JSON Schema 2020-12 meta-schema. */
  static List<String> metaErrors(String file) {
    return REGISTRY
        .getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()))
        .validate(node(file))
        .stream()
        .map(Object::toString)
        .toList();
  }
}
