package dev.socketkit.camera.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The parts of {@link FfmpegSource}'s H.264 passthrough that need no ffmpeg. */
@Timeout(30)
class FfmpegSourcePassthroughTest {
  @Test
  void theChildCopiesTheVideoToTheLoopbackPortAsAnnexB() {
    FfmpegSource source = new FfmpegSource("-re -i clip.mp4", 80);
    List<String> command = source.command(40000);
    assertThat(command)
        .containsSubsequence("-f", "mjpeg", "pipe:1")
        .containsSubsequence(
            "pipe:1",
            "-map",
            "0:v:0",
            "-c:v",
            "copy",
            "-bsf:v",
            "h264_mp4toannexb,dump_extra=freq=keyframe",
            "-f",
            "h264",
            "tcp://127.0.0.1:40000")
        .last()
        .isEqualTo("tcp://127.0.0.1:40000");
  }

  @Test
  void withoutAPortTheCommandIsMjpegAlone() {
    FfmpegSource source = new FfmpegSource("-re -i clip.mp4", 80);
    assertThat(source.command()).doesNotContain("copy").last().isEqualTo("pipe:1");
    assertThat(source.probeCommand()).contains("-frames:v", "1", "null", "info");
  }

  @Test
  void aConnectionFromThisProcessIsThisUsers() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        Socket accepted = listener.accept()) {
      assertThat(client.isConnected()).isTrue();
      assertThat(FfmpegSource.fromThisUser(accepted)).isTrue();
    }
  }
}
