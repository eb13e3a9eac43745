package org.tftflink.job.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest in k8s/ is valid against the operator's CRD schema or the Kubernetes schema of its
 * kind (offline copies, strict about unknown fields), says what it does in a header comment, and
 * leaves status to Kubernetes.
 */
class ManifestSchemaTest {

  private static final KubeSchemas SCHEMAS = new KubeSchemas();

  static List<Manifests.Doc> manifests() {
    return Manifests.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifests")
  void shouldMatchTheSchemaOfItsKind(Manifests.Doc doc) {
    assertThat(SCHEMAS.errors(doc)).as(doc.toString()).isEmpty();
    assertThat(doc.node().has("status")).as(doc + " sets status").isFalse();
    assertThat(doc.node().at("/metadata/name").asText()).as(doc + " name").isNotBlank();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifests")
  void shouldOpenWithAHeaderCommentSayingWhatItDoes(Manifests.Doc doc) throws Exception {
    List<String> lines = Manifests.text(doc.file()).lines().toList();
    long header = lines.stream().takeWhile(l -> l.startsWith("#")).count();
    assertThat(header).as(doc.file() + " header comment lines").isGreaterThanOrEqualTo(3);
  }

  @Test
  void shouldCoverEveryScenarioOfTheIssue() {
    assertThat(Manifests.all())
        .extracting(Manifests.Doc::kind)
        .contains(
            "flink.apache.org/v1beta1/FlinkDeployment",
            "flink.apache.org/v1beta1/FlinkStateSnapshot",
            "apps/v1/Deployment",
            "v1/Secret");
  }

  @Test
  void shouldRejectAMisspeltFieldAnUnknownFlinkVersionAndAMisplacedGpuLimit() {
    Manifests.Doc deployment = Manifests.one("tft-flink.yaml");
    ObjectNode typo = deployment.node().deepCopy();
    ((ObjectNode) typo.at("/spec/job")).put("upgradeMod", "savepoint");
    ObjectNode version = deployment.node().deepCopy();
    ((ObjectNode) version.get("spec")).put("flinkVersion", "v2_9");

    assertThat(SCHEMAS.errors(new Manifests.Doc("typo", typo)))
        .anySatisfy(e -> assertThat(e).contains("upgradeMod"));
    assertThat(SCHEMAS.errors(new Manifests.Doc("version", version)))
        .anySatisfy(e -> assertThat(e).contains("flinkVersion"));

    Manifests.Doc gpu = Manifests.one("gpu-taskmanagers.yaml");
    ObjectNode misplaced = gpu.node().deepCopy();
    ((ObjectNode) misplaced.at("/spec/template/spec/containers/0"))
        .putObject("limits")
        .put("nvidia.com/gpu", 1);
    assertThat(SCHEMAS.errors(new Manifests.Doc("misplaced", misplaced)))
        .anySatisfy(e -> assertThat(e).contains("limits"));
  }
}
