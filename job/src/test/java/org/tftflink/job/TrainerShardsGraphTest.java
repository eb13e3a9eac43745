package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.junit.jupiter.api.Test;
import org.tftflink.job.config.Options;
import org.tftflink.job.config.Settings;
import org.tftflink.job.serving.TinyModels;
import org.tftflink.operators.Placement;
import org.tftflink.operators.Uids;
import org.tftflink.operators.online.FederatedTrainer;
import org.tftflink.operators.online.OnlineTrainer;
import org.tftflink.operators.online.ShardTrainer;

/**
 * The {@code trainer.shards} option: 1 (the default) builds exactly the one-trainer graph; N > 1
 * adds the shards and makes the trainer's uid the aggregator; the option is validated.
 */
class TrainerShardsGraphTest {

  @Test
  void shouldBuildTheOneTrainerGraphByDefault() {
    Map<String, StreamNode> byUid = byUid(graph(Settings.defaults()));
    assertThat(byUid).containsKey(Uids.ONLINE_TRAINER).doesNotContainKey(Uids.TRAINER_SHARDS);
    assertThat(operator(byUid.get(Uids.ONLINE_TRAINER))).isExactlyInstanceOf(OnlineTrainer.class);
    assertThat(Options.TRAINER_SHARDS.defaultValue()).isEqualTo(1);
  }

  @Test
  void shouldPutShardsBeforeTheAggregatorWhichKeepsTheTrainersUid() {
    Map<String, StreamNode> byUid =
        byUid(graph(Settings.defaults().with(Options.TRAINER_SHARDS, 3)));
    assertThat(operator(byUid.get(Uids.TRAINER_SHARDS))).isInstanceOf(ShardTrainer.class);
    assertThat(operator(byUid.get(Uids.ONLINE_TRAINER))).isInstanceOf(FederatedTrainer.class);
    assertThat(byUid.get(Uids.TRAINER_SHARDS).getOperatorName())
        .isEqualTo(Uids.TRAINER_SHARDS_NAME);
    assertThat(byUid.get(Uids.ONLINE_TRAINER).getOperatorName())
        .isEqualTo(Uids.ONLINE_TRAINER_NAME);
  }

  @Test
  void shouldPlaceTheShardsWithTheTrainerOnTheGpuPool() {
    Map<String, StreamNode> byUid =
        byUid(
            graph(
                Settings.defaults().with(Options.TRAINER_SHARDS, 2).with(Options.TRAINER_GPUS, 1)));
    assertThat(byUid.get(Uids.TRAINER_SHARDS).getSlotSharingGroup())
        .isEqualTo(Placement.TRAINER_SLOT_SHARING_GROUP);
    assertThat(byUid.get(Uids.ONLINE_TRAINER).getSlotSharingGroup())
        .isEqualTo(Placement.TRAINER_SLOT_SHARING_GROUP);
  }

  @Test
  void shouldRefuseAShardCountOutOfRange() {
    assertThatThrownBy(() -> Settings.defaults().with("trainer.shards", "0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trainer.shards");
    assertThatThrownBy(() -> Settings.defaults().with("trainer.shards", "65"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trainer.shards");
    assertThat(Options.all()).extracting(o -> o.name()).contains("trainer.shards");
  }

  private static StreamGraph graph(Settings settings) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    byte[] model = TinyModels.envelope(TinyModels.config(Options.HORIZON.defaultValue(), 16), 1, 1);
    KafkaPipeline.create(settings, "localhost:9", false, model).build(env);
    return env.getStreamGraph();
  }

  private static Map<String, StreamNode> byUid(StreamGraph graph) {
    return graph.getStreamNodes().stream()
        .filter(n -> n.getTransformationUID() != null)
        .collect(Collectors.toMap(StreamNode::getTransformationUID, n -> n, (a, b) -> a));
  }

  private static Object operator(StreamNode node) {
    return ((SimpleOperatorFactory<?>) node.getOperatorFactory()).getOperator();
  }
}
