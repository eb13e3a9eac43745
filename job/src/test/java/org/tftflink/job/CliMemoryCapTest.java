package org.tftflink.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CLI caps javacpp's allocations unless the user chose a cap of their own, and leaves the
 * physical-bytes cap (a resident-size read at every allocation) to the user.
 */
class CliMemoryCapTest {
  private static final String BYTES = "org.bytedeco.javacpp.maxbytes";
  private static final String PHYSICAL = "org.bytedeco.javacpp.maxphysicalbytes";
  private String savedBytes;
  private String savedPhysical;

  @BeforeEach
  void save() {
    savedBytes = System.getProperty(BYTES);
    savedPhysical = System.getProperty(PHYSICAL);
  }

  @AfterEach
  void restore() {
    set(BYTES, savedBytes);
    set(PHYSICAL, savedPhysical);
  }

  private static void set(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  @Test
  void shouldCapJavacppsAllocationsButNotThePhysicalBytesWhenTheUserSetNoCaps() {
    System.clearProperty(BYTES);
    System.clearProperty(PHYSICAL);

    Cli.capNativeMemory();

    assertThat(System.getProperty(BYTES)).isEqualTo("4G");
    assertThat(System.getProperty(PHYSICAL)).isNull();
  }

  @Test
  void shouldKeepTheUsersCapsWhenSet() {
    System.setProperty(BYTES, "1G");
    System.setProperty(PHYSICAL, "2G");

    Cli.capNativeMemory();

    assertThat(System.getProperty(BYTES)).isEqualTo("1G");
    assertThat(System.getProperty(PHYSICAL)).isEqualTo("2G");
  }
}
