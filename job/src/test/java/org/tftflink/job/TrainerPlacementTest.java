package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.runtime.clusterframework.types.ResourceProfile;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.serving.TinyModels;
import org.tftflink.operators.Placement;
import org.tftflink.operators.Uids;

/**
 * k8s/README.md "Placement": with trainer.gpus the trainer and the sinks of its output require the
 * GPU pool's external resource; inference stays in the default group; without it nothing asks for a
 * GPU.
 */
class TrainerPlacementTest {

  @Test
  void shouldPutTheTrainerAndItsSinksInTheGpuGroupAndLeaveInferenceOnCpu() {
    StreamGraph graph =
        graph(
            Settings.defaults()
                .with(Options.TRAINER_GPUS, 1)
                .with(Options.TRAINER_SLOT_CPU_CORES, 3)
                .with(Options.TRAINER_SLOT_OFF_HEAP_MB, 3000));
    for (String trainerSide :
        List.of(Uids.ONLINE_TRAINER_NAME, Uids.MODELS_SINK_NAME, Uids.MODEL_EVENTS_SINK_NAME)) {
      assertThat(groups(graph, trainerSide))
          .as(trainerSide)
          .containsOnly(Placement.TRAINER_SLOT_SHARING_GROUP);
    }
    for (String inference :
        List.of(Uids.HOST_FORECASTER_NAME, Uids.METRICS_SOURCE_NAME, Uids.FORECASTS_SINK_NAME)) {
      assertThat(groups(graph, inference)).as(inference).containsOnly("default");
    }
    ResourceProfile spec =
        graph.getSlotSharingGroupResource(Placement.TRAINER_SLOT_SHARING_GROUP).orElseThrow();
    assertThat(spec.getExtendedResources()).containsKey(Placement.GPU_RESOURCE);
    assertThat(spec.getExtendedResources().get(Placement.GPU_RESOURCE).getValue().doubleValue())
        .isEqualTo(1.0);
    assertThat(spec.getCpuCores().getValue().doubleValue()).isEqualTo(3.0);
    assertThat(spec.getTaskOffHeapMemory().getMebiBytes()).isEqualTo(3000);
  }

  @Test
  void shouldAskForNoGpuByDefault() {
    StreamGraph graph = graph(Settings.defaults());
    assertThat(groups(graph, Uids.ONLINE_TRAINER_NAME)).containsOnly("default");
    assertThat(graph.getSlotSharingGroupResource(Placement.TRAINER_SLOT_SHARING_GROUP)).isEmpty();
  }

  private static StreamGraph graph(Settings settings) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    byte[] model = TinyModels.envelope(TinyModels.config(Options.HORIZON.defaultValue(), 16), 1, 1);
    KafkaPipeline.create(settings, "localhost:9", false, model).build(env);
    return env.getStreamGraph();
  }

  /** Slot sharing groups of the nodes named {@code name} (a sink is a writer and a committer). */
  private static Set<String> groups(StreamGraph graph, String name) {
    List<StreamNode> named =
        graph.getStreamNodes().stream()
            .filter(n -> n.getOperatorName().startsWith(name))
            .collect(Collectors.toList());
    assertThat(named).as(name + " in the graph").isNotEmpty();
    return named.stream().map(StreamNode::getSlotSharingGroup).collect(Collectors.toSet());
  }
}
