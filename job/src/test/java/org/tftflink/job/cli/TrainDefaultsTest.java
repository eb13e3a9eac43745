package org.tftflink.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tftflink.job.cli.OfflineData.Split;
import org.tftflink.model.tft.TftConfig;
import picocli.CommandLine;

/**
 * What {@code ./tft train} does with no tuning flag is the best configuration measured
 * (BENCHMARKS.md, ETTh1 accuracy: lr 3e-3, batch 64, plateau decay 0.5, 12 epochs, 20 minutes;
 * target-scale inputs off on the ETT split, where they hurt validation loss, on elsewhere, as on
 * the NAB runs).
 */
class TrainDefaultsTest {

  /** The command as picocli fills it from the README's line plus {@code more}. */
  private static TrainCommand parse(String data, String... more) {
    TrainCommand command = new TrainCommand();
    List<String> argv =
        new ArrayList<>(List.of("--data", data, "--target", "OT", "--out", "m.tft"));
    argv.addAll(List.of(more));
    new CommandLine(command).parseArgs(argv.toArray(String[]::new));
    return command;
  }

  @Test
  void shouldTrainEtth1WithNoFlagExactlyAsTheTunedReadmeLine() {
    Path ett = Path.of("ETTh1.csv");
    TrainCommand noFlags = parse("ETTh1.csv");
    Split split = noFlags.split(ett);
    TftConfig noFlag = noFlags.config(split, 3_600_000);
    TrainCommand tunedFlags =
        parse(
            "ETTh1.csv",
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
            "false");
    TftConfig tuned = tunedFlags.config(tunedFlags.split(ett), 3_600_000);

    assertThat(split).isEqualTo(Split.ETT);
    assertThat(tunedFlags.split(ett)).isEqualTo(Split.ETT);
    assertThat(noFlag).isEqualTo(tuned);
    assertThat(noFlag.learningRate()).isEqualTo(3e-3);
    assertThat(noFlag.batchSize()).isEqualTo(64);
    assertThat(noFlag.targetScaleInputs()).isFalse();
    assertThat(noFlag.plateauDecay()).isEqualTo(0.5);
    assertThat(noFlag.maxEpochs()).isEqualTo(12);
    assertThat(noFlags.minutes).isEqualTo(20);
  }

  @Test
  void shouldKeepTargetScaleInputsOnOutsideTheEttSplit() {
    Path nab = Path.of("ec2_cpu_utilization_5f5533.csv");
    TrainCommand noFlags = parse(nab.toString());
    TftConfig noFlag = noFlags.config(noFlags.split(nab), 300_000);
    assertThat(noFlags.split(nab)).isEqualTo(Split.HALF);
    assertThat(noFlag.targetScaleInputs()).isTrue();
    assertThat(noFlag.plateauDecay()).isEqualTo(0.5);
  }
}
