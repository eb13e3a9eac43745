package org.tftflink.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tftflink.job.cli.OfflineData.Split;
import org.tftflink.model.tft.TftConfig;

/**
 * What {@code ./tft train} does with no tuning flag is the best configuration measured
 * (BENCHMARKS.md, ETTh1 accuracy: lr 3e-3, batch 64, plateau decay 0.5, 12 epochs, 20 minutes;
 * target-scale inputs off on the ETT split, where they hurt validation loss, on elsewhere, as on
 * the NAB runs).
 */
class TrainDefaultsTest {

  private static final Set<String> VALUED = TrainCommand.VALUED;

  @Test
  void shouldTrainEtth1WithNoFlagExactlyAsTheTunedReadmeLine() {
    Path ett = Path.of("ETTh1.csv");
    Split split = Split.parse(null, ett);
    TftConfig noFlag =
        TrainCommand.config(Args.parse(List.of(), VALUED, Set.of()), split, 3_600_000);
    TftConfig tuned =
        TrainCommand.config(
            Args.parse(
                List.of(
                    "--split",
                    "ett",
                    "--epochs",
                    "12",
                    "--lr",
                    "3e-3",
                    "--batch",
                    "64",
                    "--plateau-decay",
                    "0.5",
                    "--target-scales",
                    "false"),
                VALUED,
                Set.of()),
            Split.parse("ett", ett),
            3_600_000);

    assertThat(split).isEqualTo(Split.ETT);
    assertThat(noFlag).isEqualTo(tuned);
    assertThat(noFlag.learningRate()).isEqualTo(3e-3);
    assertThat(noFlag.batchSize()).isEqualTo(64);
    assertThat(noFlag.targetScaleInputs()).isFalse();
    assertThat(noFlag.plateauDecay()).isEqualTo(0.5);
    assertThat(noFlag.maxEpochs()).isEqualTo(12);
  }

  @Test
  void shouldKeepTargetScaleInputsOnOutsideTheEttSplit() {
    Path nab = Path.of("ec2_cpu_utilization_5f5533.csv");
    TftConfig noFlag =
        TrainCommand.config(
            Args.parse(List.of(), VALUED, Set.of()), Split.parse(null, nab), 300_000);
    assertThat(noFlag.targetScaleInputs()).isTrue();
    assertThat(noFlag.plateauDecay()).isEqualTo(0.5);
  }
}
