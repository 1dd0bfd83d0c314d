package dev.socketkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RefusingPortTest {
  @Test
  void refusesConnects() throws IOException {
    try (RefusingPort refusing = RefusingPort.open()) {
      assertThat(refusing.port()).isPositive();
      assertThat(refusing.address().getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
      assertThatThrownBy(
              () -> {
                try (Socket socket = new Socket()) {
                  socket.connect(refusing.address(), 5_000);
                }
              })
          .isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void noOneElseCanListenOnThePortWhileItIsOpen() throws IOException {
    try (RefusingPort refusing = RefusingPort.open()) {
      assertThatThrownBy(
              () -> {
                try (ServerSocket server =
                    new ServerSocket(refusing.port(), 1, InetAddress.getLoopbackAddress())) {
                  server.getLocalPort();
                }
              })
          .isInstanceOf(IOException.class);
    }
  }
}
