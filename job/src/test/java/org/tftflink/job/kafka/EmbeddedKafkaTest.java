package org.tftflink.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.tftflink.job.kafka.KafkaTestClients.admin;
import static org.tftflink.job.kafka.KafkaTestClients.consumer;
import static org.tftflink.job.kafka.KafkaTestClients.poll;
import static org.tftflink.job.kafka.KafkaTestClients.producer;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafka.class)
class EmbeddedKafkaTest {

  private final EmbeddedKafka kafka = SharedKafka.broker();

  @Test
  void shouldServeClientsOnLoopbackWhenStarted() throws Exception {
    assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
    assertThat(kafka.startupTime()).isPositive();
    try (Admin admin = admin(kafka)) {
      assertThat(admin.describeCluster().nodes().get()).hasSize(1);
    }
  }

  @Test
  void shouldRefuseConnectionsWhenNotFromLoopback() throws Exception {
    int port = Integer.parseInt(kafka.bootstrapServers().substring("127.0.0.1:".length()));
    InetAddress external =
        Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
            .filter(nic -> !isLoopback(nic))
            .flatMap(nic -> Collections.list(nic.getInetAddresses()).stream())
            .filter(address -> address instanceof Inet4Address)
            .findFirst()
            .orElse(null);
    assumeTrue(external != null, "this machine has no non-loopback IPv4 address to test with");

    try (Socket viaLoopback = new Socket()) {
      viaLoopback.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
    }
    assertThatThrownBy(
            () -> {
              try (Socket viaNetwork = new Socket()) {
                viaNetwork.connect(new InetSocketAddress(external, port), 2_000);
              }
            })
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void shouldRemoveDataDirectoryWhenClosed() {
    EmbeddedKafka second = EmbeddedKafka.start();
    assertThat(second.dataDir()).isDirectory();
    assertThat(second.bootstrapServers()).isNotEqualTo(kafka.bootstrapServers());

    second.close();
    second.close(); // idempotent

    assertThat(Files.exists(second.dataDir())).isFalse();
  }

  @Test
  void shouldKeepTopicsRecordsAndPortWhenRestarted() throws Exception {
    try (EmbeddedKafka own = EmbeddedKafka.start()) {
      String topic = "restart-" + System.nanoTime();
      try (Admin admin = admin(own)) {
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
      }
      try (KafkaProducer<byte[], byte[]> producer = producer(own, Map.of())) {
        producer.send(new ProducerRecord<>(topic, bytes("before"))).get();
      }
      String bootstrap = own.bootstrapServers();

      own.stop();
      assertThatThrownBy(
              () -> {
                try (Socket s = new Socket()) {
                  s.connect(new InetSocketAddress("127.0.0.1", port(bootstrap)), 1_000);
                }
              })
          .isInstanceOf(ConnectException.class);
      assertThat(own.dataDir()).isDirectory();
      own.startAgain();

      assertThat(own.bootstrapServers()).isEqualTo(bootstrap);
      try (KafkaProducer<byte[], byte[]> producer = producer(own, Map.of())) {
        producer.send(new ProducerRecord<>(topic, bytes("after"))).get();
      }
      try (KafkaConsumer<byte[], byte[]> consumer = consumer(own, Map.of())) {
        consumer.subscribe(List.of(topic));
        assertThat(poll(consumer, 2, Duration.ofSeconds(20)))
            .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
            .containsExactlyInAnyOrder("before", "after");
      }
    }
  }

  private static int port(String bootstrap) {
    return Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
  }

  @Test
  void shouldShowTransactionalRecordsToReadCommittedConsumerOnlyAfterCommit() throws Exception {
    String topic = "eos-" + System.nanoTime();
    try (Admin admin = admin(kafka)) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    try (KafkaProducer<byte[], byte[]> producer =
            producer(kafka, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + topic));
        KafkaConsumer<byte[], byte[]> committed =
            consumer(kafka, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        KafkaConsumer<byte[], byte[]> uncommitted =
            consumer(kafka, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"))) {
      committed.subscribe(List.of(topic));
      uncommitted.subscribe(List.of(topic));
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>(topic, bytes("v" + i)));
      }
      producer.flush();

      // The records are in the log (a read_uncommitted consumer sees them) but not yet committed.
      assertThat(poll(uncommitted, 3, Duration.ofSeconds(15))).hasSize(3);
      assertThat(poll(committed, 1, Duration.ofSeconds(2))).isEmpty();

      producer.commitTransaction();

      List<ConsumerRecord<byte[], byte[]>> records = poll(committed, 3, Duration.ofSeconds(15));
      assertThat(records)
          .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
          .containsExactly("v0", "v1", "v2");
    }
  }

  @Test
  void shouldCarryFiveMebibyteRecordThroughModelsTopicWhenModelSettingsAreUsed() throws Exception {
    Topics.Names names = uniqueNames();
    try (Admin admin = admin(kafka)) {
      Topics.createAll(admin, names);
    }
    byte[] model = new byte[5 * 1024 * 1024];
    new Random(42).nextBytes(model);
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka, Topics.modelProducerSettings());
        KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, Topics.modelConsumerSettings())) {
      producer.send(new ProducerRecord<>(names.models(), model)).get();
      consumer.subscribe(List.of(names.models()));

      List<ConsumerRecord<byte[], byte[]>> records = poll(consumer, 1, Duration.ofSeconds(20));

      assertThat(records).hasSize(1);
      assertThat(records.get(0).value()).isEqualTo(model);
    }
  }

  static Topics.Names uniqueNames() {
    String suffix = "-" + System.nanoTime();
    Topics.Names d = Topics.Names.defaults();
    return new Topics.Names(
        d.metrics() + suffix,
        d.metricsDlq() + suffix,
        d.forecasts() + suffix,
        d.models() + suffix,
        d.modelEvents() + suffix,
        d.control() + suffix);
  }

  private static boolean isLoopback(NetworkInterface nic) {
    try {
      return nic.isLoopback() || !nic.isUp();
    } catch (SocketException e) {
      return true;
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
