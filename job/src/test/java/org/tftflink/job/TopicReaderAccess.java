package org.tftflink.job;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** {@link TopicReader} for tests in other packages. */
public final class TopicReaderAccess {

  private TopicReaderAccess() {}

  public static List<ConsumerRecord<byte[], byte[]>> readAtLeast(
      String bootstrap, String topic, int atLeast) {
    return TopicReader.readAtLeast(bootstrap, topic, atLeast);
  }

  public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
    return TopicReader.readAll(bootstrap, topic);
  }
}
