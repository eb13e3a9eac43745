package org.tftflink.job.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;

/**
 * JSON schemas of the objects in k8s/, from the offline copies in test resources (k8s-schemas/, see
 * its README): the Flink Kubernetes Operator's CRDs and Kubernetes' own types. Like {@code kubectl
 * apply --validate=strict}, an object field that its schema does not declare is an error (unless
 * the schema preserves unknown fields), so a misspelt key fails instead of being pruned.
 */
final class KubeSchemas {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEFS = "_definitions.json#/definitions/";

  private final Map<String, Schema> byKind = new HashMap<>();
  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
  private final JsonNode deploymentCrd;

  KubeSchemas() {
    deploymentCrd = crdSchema("flinkdeployments.flink.apache.org-v1.yml");
    JsonNode podTemplate = deploymentCrd.at("/properties/spec/properties/podTemplate");
    JsonNode podSpec = podTemplate.at("/properties/spec");
    // Kubernetes types that the CRD already holds (generated from the same API by Fabric8)
    Map<String, JsonNode> defs = new HashMap<>();
    defs.put(
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", podTemplate.at("/properties/metadata"));
    defs.put(
        "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
        podSpec.at(
            "/properties/affinity/properties/podAffinity/properties"
                + "/requiredDuringSchedulingIgnoredDuringExecution/items/properties/labelSelector"));
    defs.put(
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
        podSpec.at(
            "/properties/containers/items/properties/livenessProbe/properties/httpGet"
                + "/properties/port"));
    ObjectNode templateSpec = JSON.createObjectNode().put("type", "object");
    templateSpec
        .putObject("properties")
        .set("metadata", defs.get("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
    ((ObjectNode) templateSpec.get("properties")).set("spec", podSpec);
    defs.put("io.k8s.api.core.v1.PodTemplateSpec", templateSpec);
    defs.put("io.k8s.api.apps.v1.DeploymentSpec", kube("deploymentspec-apps-v1.json"));
    defs.put("io.k8s.api.apps.v1.DeploymentStrategy", kube("deploymentstrategy.json"));
    defs.put(
        "io.k8s.api.apps.v1.RollingUpdateDeployment", kube("rollingupdatedeployment-apps-v1.json"));
    // status is written by Kubernetes, never by a manifest (ManifestSchemaTest refuses it)
    defs.put("io.k8s.api.apps.v1.DeploymentStatus", JSON.createObjectNode().put("type", "object"));

    JsonNode objectMeta = defs.get("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    put("flink.apache.org/v1beta1/FlinkDeployment", withTypeMeta(deploymentCrd, objectMeta));
    put(
        "flink.apache.org/v1beta1/FlinkStateSnapshot",
        withTypeMeta(crdSchema("flinkstatesnapshots.flink.apache.org-v1.yml"), objectMeta));
    put("apps/v1/Deployment", resolve(kube("deployment-apps-v1.json"), defs));
    put("v1/Secret", resolve(kube("secret-v1.json"), defs));
  }

  /** Validation errors of {@code doc} against the schema of its apiVersion and kind. */
  List<String> errors(Manifests.Doc doc) {
    Schema schema = byKind.get(doc.kind());
    if (schema == null) {
      return List.of("no schema for " + doc.kind() + "; known: " + byKind.keySet());
    }
    return schema.validate(doc.node()).stream().map(e -> e.toString()).toList();
  }

  private void put(String kind, JsonNode schema) {
    JsonNode strict = strict(schema.deepCopy());
    byKind.put(kind, registry.getSchema(strict));
  }

  /**
   * A CRD's schema covers spec and status; the API server adds apiVersion, kind and metadata to
   * every custom resource, so a manifest may (and must) carry them.
   */
  private static JsonNode withTypeMeta(JsonNode crdSchema, JsonNode objectMeta) {
    ObjectNode s = crdSchema.deepCopy();
    ObjectNode props = (ObjectNode) s.get("properties");
    props.putObject("apiVersion").put("type", "string");
    props.putObject("kind").put("type", "string");
    props.set("metadata", objectMeta.deepCopy());
    s.putArray("required").add("apiVersion").add("kind").add("metadata");
    return s;
  }

  /** The openAPIV3Schema of the one served version (v1beta1) of an operator CRD. */
  private static JsonNode crdSchema(String file) {
    JsonNode crd = read("flink-kubernetes-operator/" + file, Manifests.YAML);
    JsonNode version = crd.at("/spec/versions/0");
    if (!version.path("name").asText().equals("v1beta1")) {
      throw new IllegalStateException(
          file + ": expected version v1beta1 first, got " + version.path("name"));
    }
    return version.at("/schema/openAPIV3Schema");
  }

  private static JsonNode kube(String file) {
    return read("kubernetes/" + file, JSON);
  }

  private static JsonNode read(String resource, ObjectMapper mapper) {
    try (InputStream in = KubeSchemas.class.getResourceAsStream("/k8s-schemas/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource k8s-schemas/" + resource);
      }
      return mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Inlines every {@code _definitions.json} reference; an unknown one is an error. */
  private static JsonNode resolve(JsonNode node, Map<String, JsonNode> defs) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null) {
        String name = ref.asText().replace(DEFS, "");
        JsonNode def = defs.get(name);
        if (def == null) {
          throw new IllegalStateException("no offline copy of the Kubernetes type " + ref.asText());
        }
        return resolve(def.deepCopy(), defs);
      }
      ObjectNode copy = JSON.createObjectNode();
      for (Iterator<Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Entry<String, JsonNode> f = it.next();
        if (!f.getKey().equals("$schema")) {
          copy.set(f.getKey(), resolve(f.getValue(), defs));
        }
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JSON.createArrayNode();
      node.forEach(n -> copy.add(resolve(n, defs)));
      return copy;
    }
    return node;
  }

  /** Closes every object schema that lists its properties and does not preserve unknown ones. */
  private static JsonNode strict(JsonNode node) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      o.remove("$schema");
      if (o.has("properties")
          && !o.has("additionalProperties")
          && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        o.put("additionalProperties", false);
      }
      o.forEach(KubeSchemas::strict);
    } else if (node.isArray()) {
      node.forEach(KubeSchemas::strict);
    }
    return node;
  }
}
