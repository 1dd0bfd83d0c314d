package dev.socketkit.camera.internal.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {
  private static OutboundMessage message(String text) {
    return new OutboundMessage("t/" + text, text.getBytes(StandardCharsets.UTF_8), 1, false);
  }

  private static List<String> drain(OutboundQueue queue) throws InterruptedException {
    List<String> topics = new ArrayList<>();
    for (OutboundMessage m; (m = queue.take(0, TimeUnit.MILLISECONDS)) != null; ) {
      topics.add(m.topic());
    }
    return topics;
  }

  @Test
  void dropsTheOldestMessagesPastTheCountAndCountsThem() throws Exception {
    OutboundQueue queue = new OutboundQueue(3, 1 << 20);
    for (int i = 1; i <= 1000; i++) {
      queue.offer(message(Integer.toString(i)));
    }
    assertThat(queue.dropped()).isEqualTo(997);
    assertThat(queue.size()).isEqualTo(3);
    assertThat(drain(queue)).containsExactly("t/998", "t/999", "t/1000");
  }

  @Test
  void dropsTheOldestMessagesPastTheBytes() throws Exception {
    OutboundQueue queue = new OutboundQueue(100, 10);
    queue.offer(message("aaaa"));
    queue.offer(message("bbbb"));
    queue.offer(message("cccc")); // 12 bytes: the oldest goes
    assertThat(queue.dropped()).isEqualTo(1);
    assertThat(drain(queue)).containsExactly("t/bbbb", "t/cccc");
    queue.offer(message("a message longer than the bound"));
    assertThat(queue.dropped()).isEqualTo(2);
    assertThat(queue.size()).isZero();
  }

  @Test
  void putsTheAnnouncementFirstAndDropsOthersBeforeIt() throws Exception {
    OutboundQueue queue = new OutboundQueue(3, 1 << 20);
    queue.offer(message("old1"));
    queue.offer(message("old2"));
    queue.offerFirst(List.of(message("online"), message("config")));
    assertThat(queue.dropped()).isEqualTo(1);
    assertThat(drain(queue)).containsExactly("t/online", "t/config", "t/old2");
  }

  @Test
  void takeWaitsAtMostItsTimeoutAndNeverForOffers() throws Exception {
    OutboundQueue queue = new OutboundQueue(1, 1024);
    assertThat(queue.take(10, TimeUnit.MILLISECONDS)).isNull();
    queue.offer(message("x"));
    queue.offer(message("y")); // full: never blocks, drops x
    assertThat(queue.take(10, TimeUnit.MILLISECONDS).topic()).isEqualTo("t/y");
    assertThatThrownBy(() -> new OutboundQueue(0, 1024))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
