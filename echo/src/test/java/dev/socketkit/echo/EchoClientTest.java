package dev.socketkit.echo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.echo.RunningServer.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(60)
class EchoClientTest {
  @ParameterizedTest
  @EnumSource(Kind.class)
  void everyLineComesBackInOrderEvenWhenThousandsArePiped(Kind kind) throws Exception {
    StringBuilder input = new StringBuilder();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      String line = "line " + i + " " + "x".repeat(i % 300);
      input.append(line).append('\n');
      expected.add(line);
    }
    List<String> printed = new ArrayList<>();
    try (RunningServer running = new RunningServer(kind);
        EchoClient client = EchoClient.connect(running.address())) {
      EchoClient.Result result =
          client.run(
              new ByteArrayInputStream(input.toString().getBytes(StandardCharsets.UTF_8)),
              printed::add,
              Duration.ofSeconds(20));
      assertThat(result.complete()).isTrue();
      assertThat(result.sent()).isEqualTo(5_000);
      assertThat(result.received()).isEqualTo(5_000);
    }
    assertThat(printed).containsExactlyElementsOf(expected);
  }

  @Test
  void waitsOnlyBoundedlyForEchoesThatNeverComeBack() throws Exception {
    try (ServerSocketChannel silent = ServerSocketChannel.open()) {
      silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (EchoClient client = EchoClient.connect(silent.getLocalAddress());
          SocketChannel accepted = silent.accept()) {
        List<String> printed = new ArrayList<>();
        EchoClient.Result result =
            client.run(
                new ByteArrayInputStream("a\nb\n".getBytes(StandardCharsets.UTF_8)),
                printed::add,
                Duration.ofMillis(300));
        assertThat(accepted.isConnected()).isTrue();
        assertThat(result.complete()).isFalse();
        assertThat(result.sent()).isEqualTo(2);
        assertThat(printed).isEmpty();
      }
    }
  }

  @Test
  void overUdpTrailingSpacesComeBackAsSent() throws Exception {
    try (DatagramChannel echo = DatagramChannel.open()) {
      echo.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread server =
          new Thread(
              () -> {
                ByteBuffer buffer = ByteBuffer.allocate(2048);
                try {
                  for (int i = 0; i < 2; i++) {
                    buffer.clear();
                    SocketAddress from = echo.receive(buffer);
                    buffer.flip();
                    echo.send(buffer, from);
                  }
                } catch (IOException ignored) {
                  // The test closed the channel: the client's result tells what came back.
                }
              });
      server.start();
      List<String> printed = new ArrayList<>();
      try (EchoClient client = EchoClient.udp(echo.getLocalAddress())) {
        EchoClient.Result result =
            client.run(
                new ByteArrayInputStream("a  \n\tb \n".getBytes(StandardCharsets.UTF_8)),
                printed::add,
                Duration.ofSeconds(10));
        assertThat(result.complete()).isTrue();
      } finally {
        server.join(10_000);
      }
      assertThat(printed).containsExactly("a  ", "\tb ");
    }
  }

  @Test
  void aDatagramLosesOnlyItsLineEnd() {
    assertThat(EchoClient.withoutLineEnd("a \r\n")).isEqualTo("a ");
    assertThat(EchoClient.withoutLineEnd("a \n")).isEqualTo("a ");
    assertThat(EchoClient.withoutLineEnd("a \r")).isEqualTo("a ");
    assertThat(EchoClient.withoutLineEnd("a\n\n")).isEqualTo("a\n");
    assertThat(EchoClient.withoutLineEnd("a \t")).isEqualTo("a \t");
  }
}
