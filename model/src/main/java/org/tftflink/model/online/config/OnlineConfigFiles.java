package org.tftflink.model.online.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads an online-learning config file: Java properties, or YAML (by extension) holding one flat
 * mapping of keys to scalars, optionally under a top-level {@code online:} mapping.
 */
final class OnlineConfigFiles {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private OnlineConfigFiles() {}

  private static Map<String, String> readYaml(Path file) {
    JsonNode root;
    try {
      root = YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("online config: cannot read YAML " + file + ": " + e, e);
    }
    if (root != null && root.size() == 1 && root.has("online") && root.get("online").isObject()) {
      root = root.get("online");
    }
    Map<String, String> out = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return out;
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(
          "online config: " + file + " must hold a mapping of keys to values");
    }
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      JsonNode v = e.getValue();
      if (v.isArray()) {
        List<String> parts = new ArrayList<>();
        v.forEach(item -> parts.add(item.asText()));
        out.put(e.getKey(), String.join(",", parts));
      } else if (v.isValueNode()) {
        out.put(e.getKey(), v.isNull() ? "" : v.asText());
      } else {
        throw new IllegalArgumentException(
            "online config: " + file + ": key " + e.getKey() + " must hold a value, not a mapping");
      }
    }
    return out;
  }

  static Map<String, String> read(Path file) {
    String name = file.getFileName().toString();
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return readYaml(file);
    }
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("online config: cannot read " + file + ": " + e, e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    props.stringPropertyNames().forEach(k -> out.put(k, props.getProperty(k)));
    return out;
  }
}
