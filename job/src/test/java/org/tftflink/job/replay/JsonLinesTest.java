package org.tftflink.job.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesTest {

  @TempDir Path dir;

  @Test
  void shouldKeepEveryByteExceptNewlineWhenLinesAreOdd() throws Exception {
    byte[] invalidUtf8 = {'{', (byte) 0xFF, (byte) 0xC3, '}'};
    byte[] file =
        concat(
            bytes("{\"host\":\"a\"}\r\n"), // the '\r' stays: only '\n' separates
            bytes("\n"), // an empty message
            invalidUtf8,
            bytes("\n"),
            bytes("  {\"host\":\"b\"}  \n"), // surrounding spaces stay too
            bytes("last line without newline"));

    List<ReplayMessage> messages = read(file);

    assertThat(messages)
        .extracting(ReplayMessage::value)
        .containsExactly(
            bytes("{\"host\":\"a\"}\r"),
            new byte[0],
            invalidUtf8,
            bytes("  {\"host\":\"b\"}  "),
            bytes("last line without newline"));
    assertThat(messages)
        .extracting(ReplayMessage::host)
        .containsExactly("a", null, null, "b", null);
  }

  @Test
  void shouldNotAddEmptyMessageWhenFileEndsWithNewline() throws Exception {
    assertThat(read(bytes("x\ny\n"))).hasSize(2);
    assertThat(read(bytes("x\ny\n\n"))).hasSize(3);
    assertThat(read(bytes("\n")))
        .singleElement()
        .extracting(ReplayMessage::value)
        .isEqualTo(new byte[0]);
    assertThat(read(new byte[0])).isEmpty();
  }

  @Test
  void shouldTakeHostOnlyWhenLineIsJsonObjectWithNonEmptyStringHost() {
    assertThat(JsonLines.hostOf(bytes("{\"host\":\"web-17\",\"ts\":1}"))).isEqualTo("web-17");
    assertThat(JsonLines.hostOf(bytes("{\"host\":\"\"}"))).isNull();
    assertThat(JsonLines.hostOf(bytes("{\"host\":17}"))).isNull();
    assertThat(JsonLines.hostOf(bytes("{\"hostname\":\"a\"}"))).isNull();
    assertThat(JsonLines.hostOf(bytes("[{\"host\":\"a\"}]"))).isNull();
    assertThat(JsonLines.hostOf(bytes("{\"host\":\"a\"} trailing"))).isNull();
    assertThat(JsonLines.hostOf(bytes("{\"host\":\"a\""))).isNull();
    assertThat(JsonLines.hostOf(new byte[] {'{', '"', 'h', (byte) 0xFF, '"', ':', '1', '}'}))
        .isNull();
    assertThat(JsonLines.hostOf(new byte[0])).isNull();
  }

  private List<ReplayMessage> read(byte[] content) throws Exception {
    Path file = Files.write(dir.resolve("in-" + System.nanoTime() + ".jsonl"), content);
    List<ReplayMessage> messages = new ArrayList<>();
    try (JsonLines lines = JsonLines.open(file)) {
      lines.forEachRemaining(messages::add);
    }
    return messages;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
