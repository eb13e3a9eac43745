package org.tftflink.job.kafka;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.test.KafkaClusterTestKit;

/**
 * Keeps the embedded broker off the network: the Kafka test kit reserves its ports by binding them
 * on every interface, and this closes those reservations so that the broker binds the same ports on
 * its configured listener address (127.0.0.1) instead.
 */
final class LoopbackOnly {

  private LoopbackOnly() {}

  /**
   * Closes the test kit's pre-bound sockets before start-up; the kit then opens each listener on
   * the listener's host with the reserved port. The reservations of the listeners in {@code
   * configuredPorts} are dropped altogether, so that those bind the port of their configuration (a
   * restart on the old ports). If the kit's internals changed, the broker still starts, bound to
   * every interface, and a warning says so.
   */
  static void releasePreboundSockets(KafkaClusterTestKit cluster, Set<String> configuredPorts) {
    try {
      // TODO: reflection into kafka-test-common-runtime 4.2.0 internals; there is no public hook to
      // choose the bind address, so re-check on every Kafka upgrade (EmbeddedKafkaTest covers it).
      Object manager = field(KafkaClusterTestKit.class, "socketFactoryManager").get(cluster);
      @SuppressWarnings("unchecked")
      Map<Integer, Map<String, ServerSocketChannel>> sockets =
          (Map<Integer, Map<String, ServerSocketChannel>>)
              field(manager.getClass(), "sockets").get(manager);
      synchronized (manager) {
        for (Map<String, ServerSocketChannel> byListener : sockets.values()) {
          for (ServerSocketChannel socket : byListener.values()) {
            socket.close();
          }
          byListener.keySet().removeAll(configuredPorts);
        }
      }
    } catch (ReflectiveOperationException | RuntimeException | IOException e) {
      System.err.println(
          "embedded Kafka: WARNING: cannot restrict the broker to 127.0.0.1 ("
              + e
              + "); it listens on every network interface");
    }
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    Field field = type.getDeclaredField(name);
    field.setAccessible(true);
    return field;
  }
}
