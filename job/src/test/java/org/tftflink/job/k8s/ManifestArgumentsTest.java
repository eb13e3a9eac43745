package org.tftflink.job.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalResourceOptions;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.junit.jupiter.api.Test;
import org.tftflink.job.Cli;
import org.tftflink.job.CliAccess;
import org.tftflink.job.cli.RunCommand;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.operators.Placement;
import picocli.CommandLine;

/**
 * What the manifests tell the job and Flink is what they accept: the job's command and every {@code
 * --set} key and value (checked by the job's own option registry), Flink configuration keys
 * (checked against Flink's option classes), the operator's rules for savepoint upgrades, the GPU
 * pool's resource names (those of {@link Placement}) and the image's jar path.
 */
class ManifestArgumentsTest {

  private static final FlinkConfigKeys FLINK_KEYS = new FlinkConfigKeys();

  @Test
  void shouldPassOnlyCommandsAndOptionsTheJobAccepts() throws Exception {
    List<Manifests.Doc> deployments = Manifests.ofKind("flink.apache.org/v1beta1/FlinkDeployment");
    assertThat(deployments).isNotEmpty();
    for (Manifests.Doc d : deployments) {
      JsonNode job = d.node().at("/spec/job");
      List<String> args = new ArrayList<>();
      job.path("args").forEach(a -> args.add(a.asText()));
      assertThat(job.path("entryClass").asText())
          .as(d + " entryClass")
          .isEqualTo(Cli.class.getName());
      assertThat(args).as(d + " args").isNotEmpty();
      assertThat(CliAccess.commandLine().getSubcommands())
          .as(d + ": command '" + args.get(0) + "'")
          .containsKey(args.get(0));
      assertThat(args.get(0)).isEqualTo("run");

      // the run command's own parsing: unknown flags, unknown keys and bad values all throw
      Settings settings = runSettings(args.subList(1, args.size()));
      assertThat(settings.get(Options.BOOTSTRAP)).as(d + " kafka.bootstrap").isNotBlank();
      assertThat(settings.get(Options.PARALLELISM))
          .as(d + ": job.parallelism and spec.job.parallelism")
          .isEqualTo(job.path("parallelism").asInt());
    }
  }

  @Test
  void shouldSetOnlyFlinkConfigurationKeysFlinkReads() {
    for (Manifests.Doc d : Manifests.ofKind("flink.apache.org/v1beta1/FlinkDeployment")) {
      d.node()
          .at("/spec/flinkConfiguration")
          .fieldNames()
          .forEachRemaining(
              k -> assertThat(FLINK_KEYS.known(k, Set.of())).as(d + ": Flink key " + k).isTrue());
    }
    Map<String, String> gpu = gpuDynamicProperties();
    Set<String> resources = Set.of(gpu.get(ExternalResourceOptions.EXTERNAL_RESOURCE_LIST.key()));
    gpu.keySet()
        .forEach(
            k ->
                assertThat(FLINK_KEYS.known(k, resources)).as("GPU pool: Flink key " + k).isTrue());
  }

  @Test
  void shouldMeetTheOperatorsRulesForSavepointUpgradesWithHighAvailability() {
    for (Manifests.Doc d : Manifests.ofKind("flink.apache.org/v1beta1/FlinkDeployment")) {
      JsonNode conf = d.node().at("/spec/flinkConfiguration");
      assertThat(d.node().at("/spec/job/upgradeMode").asText())
          .as(d.toString())
          .isEqualTo("savepoint");
      assertThat(d.node().at("/spec/flinkVersion").asText()).as(d.toString()).isEqualTo("v2_2");
      // the operator's DefaultValidator refuses savepoint upgrades without both directories
      assertThat(conf.path(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key()).asText())
          .startsWith("s3://");
      assertThat(conf.path(CheckpointingOptions.SAVEPOINT_DIRECTORY.key()).asText())
          .startsWith("s3://");
      assertThat(conf.path(HighAvailabilityOptions.HA_MODE.key()).asText()).isEqualTo("kubernetes");
      assertThat(conf.path(HighAvailabilityOptions.HA_STORAGE_PATH.key()).asText())
          .startsWith("s3://");
      assertThat(conf.path("state.backend.type").asText()).isEqualTo("rocksdb");
      assertThat(
              conf.path("metrics.reporter.prom." + MetricOptions.REPORTER_FACTORY_CLASS.key())
                  .asText())
          .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    }
  }

  @Test
  void shouldOfferTheGpuResourceThePlacementNamesAsManyTimesAsTheNodeGivesGpus() {
    Map<String, String> props = gpuDynamicProperties();
    JsonNode container =
        Manifests.one("gpu-taskmanagers.yaml").node().at("/spec/template/spec/containers/0");

    assertThat(props)
        .containsEntry(
            ExternalResourceOptions.EXTERNAL_RESOURCE_LIST.key(), Placement.GPU_RESOURCE);
    String amount =
        props.get(ExternalResourceOptions.getAmountConfigOptionForResource(Placement.GPU_RESOURCE));
    assertThat(amount).isNotNull();
    assertThat(container.at("/resources/limits/nvidia.com~1gpu").asText()).isEqualTo(amount);
    assertThat(container.at("/resources/requests/nvidia.com~1gpu").asText()).isEqualTo(amount);
    assertThat(props)
        .containsEntry(
            ExternalResourceOptions.getExternalResourceDriverFactoryConfigOptionForResource(
                Placement.GPU_RESOURCE),
            "org.apache.flink.externalresource.gpu.GPUDriverFactory");
    // the Flink CPU cores of the TaskManager fit in the pod's CPU limit
    assertThat(Double.parseDouble(props.get("taskmanager.cpu.cores")))
        .isLessThanOrEqualTo(Double.parseDouble(container.at("/resources/limits/cpu").asText()));
    // it joins the cluster of the FlinkDeployment through the operator's configuration
    String cluster = Manifests.one("tft-flink.yaml").node().at("/metadata/name").asText();
    assertThat(
            Manifests.one("gpu-taskmanagers.yaml")
                .node()
                .at("/spec/template/spec/volumes/0/configMap/name")
                .asText())
        .isEqualTo("flink-config-" + cluster);
  }

  /**
   * The trainer's slot (tft-flink.yaml's trainer.* options) fits one GPU TaskManager as Flink
   * computes its memory from the pool's dynamic properties: otherwise the job waits for a slot
   * forever.
   */
  @Test
  void shouldSizeTheTrainersSlotToFitAGpuTaskManager() throws Exception {
    JsonNode job = Manifests.one("tft-flink.yaml").node().at("/spec/job");
    List<String> args = new ArrayList<>();
    job.path("args").forEach(a -> args.add(a.asText()));
    Settings settings = runSettings(args.subList(1, args.size()));
    Map<String, String> props = gpuDynamicProperties();
    // what the GPU TaskManager reads: the cluster's configuration, then its dynamic properties
    Configuration tm = new Configuration();
    Manifests.one("tft-flink.yaml")
        .node()
        .at("/spec/flinkConfiguration")
        .fields()
        .forEachRemaining(e -> tm.setString(e.getKey(), e.getValue().asText()));
    props.forEach(tm::setString);
    TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(tm);

    assertThat(settings.get(Options.TRAINER_GPUS)).as("the trainer asks for GPUs").isPositive();
    assertThat((double) settings.get(Options.TRAINER_GPUS))
        .isLessThanOrEqualTo(
            Double.parseDouble(
                props.get(
                    ExternalResourceOptions.getAmountConfigOptionForResource(
                        Placement.GPU_RESOURCE))));
    assertThat((double) settings.get(Options.TRAINER_SLOT_CPU_CORES))
        .isLessThanOrEqualTo(spec.getCpuCores().getValue().doubleValue());
    assertThat((long) settings.get(Options.TRAINER_SLOT_HEAP_MB))
        .isLessThanOrEqualTo(spec.getTaskHeapSize().getMebiBytes());
    assertThat((long) settings.get(Options.TRAINER_SLOT_OFF_HEAP_MB))
        .isLessThanOrEqualTo(spec.getTaskOffHeapSize().getMebiBytes());
    assertThat((long) settings.get(Options.TRAINER_SLOT_MANAGED_MB))
        .isLessThanOrEqualTo(spec.getManagedMemorySize().getMebiBytes());
    assertThat(settings.get(Options.ONLINE_INITIAL_MODEL))
        .as("the model the image carries (Dockerfile)")
        .startsWith("/opt/flink/usrlib/");
    assertThat(Manifests.text("Dockerfile"))
        .contains(" " + settings.get(Options.ONLINE_INITIAL_MODEL));
    assertThat(Manifests.one("gpu-taskmanagers.yaml").node().at("/spec/replicas").asInt())
        .as("a GPU TaskManager runs, or the trainer never gets its slot")
        .isPositive();
  }

  @Test
  void shouldExposeThePrometheusReporterPortOnEveryPodForScraping() {
    JsonNode deployment = Manifests.one("tft-flink.yaml").node();
    String port = deployment.at("/spec/flinkConfiguration/metrics.reporter.prom.port").asText();
    assertThat(port).isNotBlank();
    List<JsonNode> pods =
        List.of(
            deployment.at("/spec/podTemplate"),
            Manifests.one("gpu-taskmanagers.yaml").node().at("/spec/template"));
    for (JsonNode pod : pods) {
      assertThat(pod.at("/metadata/annotations/prometheus.io~1port").asText()).isEqualTo(port);
      assertThat(pod.at("/metadata/annotations/prometheus.io~1scrape").asText()).isEqualTo("true");
      List<String> ports = new ArrayList<>();
      pod.at("/spec/containers/0/ports")
          .forEach(
              p -> {
                if (p.path("name").asText().equals("metrics")) {
                  ports.add(p.path("containerPort").asText());
                }
              });
      assertThat(ports).containsExactly(port);
    }
  }

  @Test
  void shouldRestoreTheSameDeploymentOnlyFromTheChosenSavepoint() {
    ObjectNode restore =
        (ObjectNode) Manifests.one("restore-from-savepoint.yaml").node().deepCopy();
    ObjectNode job = (ObjectNode) restore.at("/spec/job");
    assertThat(job.path("initialSavepointPath").asText())
        .startsWith("s3://tft-flink-state/savepoints/");
    assertThat(job.path("allowNonRestoredState").asBoolean(true)).isFalse();
    job.remove(List.of("initialSavepointPath", "allowNonRestoredState"));

    assertThat(restore).isEqualTo(Manifests.one("tft-flink.yaml").node());
  }

  @Test
  void shouldSnapshotTheDeploymentThatExists() {
    JsonNode snapshot = Manifests.one("savepoint-now.yaml").node();
    assertThat(snapshot.at("/spec/jobReference/name").asText())
        .isEqualTo(Manifests.one("tft-flink.yaml").node().at("/metadata/name").asText());
    assertThat(snapshot.at("/spec/savepoint/disposeOnDelete").asBoolean(true)).isFalse();
  }

  @Test
  void shouldBuildANonRootFlink22ImageWithTheJarWhereTheDeploymentLooksForIt() throws Exception {
    List<String> lines = Manifests.text("Dockerfile").lines().map(String::trim).toList();
    String from = lines.stream().filter(l -> l.startsWith("FROM ")).findFirst().orElseThrow();
    assertThat(from).matches("FROM flink:2\\.2\\.[0-9]+-java17");
    String user =
        lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
    assertThat(user).isEqualTo("USER flink");
    String jarUri = Manifests.one("tft-flink.yaml").node().at("/spec/job/jarURI").asText();
    assertThat(jarUri).startsWith("local:///opt/flink/usrlib/");
    String jarPath = jarUri.substring("local://".length());
    assertThat(lines).anyMatch(l -> l.startsWith("COPY ") && l.endsWith(" " + jarPath));
  }

  /** The job's settings as {@code ./tft run} parses these arguments. */
  private static Settings runSettings(List<String> args) throws Exception {
    RunCommand run = new RunCommand();
    new CommandLine(run).parseArgs(args.toArray(String[]::new));
    return run.settings();
  }

  /** The {@code -Dkey=value} arguments of the GPU TaskManagers. */
  private static Map<String, String> gpuDynamicProperties() {
    JsonNode args =
        Manifests.one("gpu-taskmanagers.yaml").node().at("/spec/template/spec/containers/0/args");
    Map<String, String> props = new LinkedHashMap<>();
    Map<String, Integer> seen = new HashMap<>();
    assertThat(args.get(0).asText()).isEqualTo("taskmanager");
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i).asText();
      assertThat(a).as("GPU pool argument").startsWith("-D").contains("=");
      String key = a.substring(2, a.indexOf('='));
      assertThat(seen.merge(key, 1, Integer::sum))
          .as("GPU pool sets " + key + " once")
          .isEqualTo(1);
      props.put(key, a.substring(a.indexOf('=') + 1));
    }
    return props;
  }
}
