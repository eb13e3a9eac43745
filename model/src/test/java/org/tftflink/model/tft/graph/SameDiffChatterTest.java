package org.tftflink.model.tft.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

class SameDiffChatterTest {

  @Test
  void shouldDropSameDiffOpLinesAndKeepEveryOtherLine() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream out =
        SameDiffChatter.filtering(new PrintStream(sink, true, StandardCharsets.UTF_8));
    out.println("epoch 1/5 loss 0.71");
    out.println(SameDiffChatter.PREFIX + "MulOp: mul_bp");
    out.print("Added differentiated"); // a prefix of an op line, completed below
    out.println(" op AddOp");
    out.println("Added something else");
    assertThat(sink.toString(StandardCharsets.UTF_8))
        .isEqualTo("epoch 1/5 loss 0.71\nAdded something else\n");
  }

  @Test
  void shouldForwardAPartialLineOnFlushWhenItCannotBeAnOpLine() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream out =
        SameDiffChatter.filtering(new PrintStream(sink, true, StandardCharsets.UTF_8));
    out.print("progress: 40%");
    out.flush();
    assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("progress: 40%");
  }

  @Test
  void shouldKeepAGradientFunctionsOpLinesOutOfStdout() {
    // unfiltered, building a gradient function prints the op lines (the reason for the filter)
    assertThat(stdoutOfGradientBuild(false)).contains(SameDiffChatter.PREFIX);
    assertThat(stdoutOfGradientBuild(true)).doesNotContain(SameDiffChatter.PREFIX);
  }

  private static String stdoutOfGradientBuild(boolean filtered) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(sink, true, StandardCharsets.UTF_8);
    PrintStream original = System.out;
    System.setOut(filtered ? SameDiffChatter.filtering(capture) : capture);
    try {
      SameDiff sd = SameDiff.create();
      SDVariable w = sd.var("w", Nd4j.rand(2, 2));
      sd.setLossVariables(w.mul(w).sum());
      sd.calculateGradients(Map.of(), "w");
    } finally {
      System.setOut(original);
    }
    return sink.toString(StandardCharsets.UTF_8);
  }
}
