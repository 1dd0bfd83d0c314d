package dev.socketkit.camera.internal.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.camera.internal.mp4.AccessUnit;
import dev.socketkit.testkit.Tools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link H264Copy}: B-slices found, the hub filled only while the source owns it. */
@Timeout(60)
class H264CopyTest {
  /** A slice NAL unit of {@code type} whose header starts with {@code bits}. */
  private static byte[] slice(int type, int bits) {
    return new byte[] {(byte) (0x60 | type), (byte) bits, 0x55};
  }

  @Test
  void readsTheSliceTypeAfterTheFirstMacroblock() {
    assertThat(H264Copy.sliceType(slice(1, 0b1100_0000))).isZero(); // mb 0, P
    assertThat(H264Copy.sliceType(slice(1, 0b1010_0000))).isEqualTo(1); // mb 0, B
    assertThat(H264Copy.sliceType(slice(1, 0b1001_1100))).isEqualTo(6); // mb 0, B (all)
    assertThat(H264Copy.sliceType(slice(5, 0b1000_1000))).isEqualTo(7); // mb 0, I (all)
    assertThat(H264Copy.sliceType(slice(1, 0b0100_1000))).isEqualTo(1); // mb 1, B
    assertThat(H264Copy.sliceType(new byte[] {0x41})).isEqualTo(-1);
  }

  @Test
  void findsBSlicesOnly() {
    assertThat(H264Copy.hasBSlice(new AccessUnit(List.of(slice(1, 0b1100_0000))))).isFalse();
    assertThat(H264Copy.hasBSlice(new AccessUnit(List.of(slice(5, 0b1000_1000))))).isFalse();
    assertThat(H264Copy.hasBSlice(new AccessUnit(List.of(slice(1, 0b1010_0000))))).isTrue();
    assertThat(H264Copy.hasBSlice(new AccessUnit(List.of(slice(1, 0b1001_1100))))).isTrue();
  }

  /** Two seconds of 320x240 H.264 at 25 fps as Annex-B, a keyframe a second. */
  private static byte[] annexB(String bframes) throws Exception {
    Process process =
        new ProcessBuilder(
                Tools.require("ffmpeg").toString(),
                "-hide_banner",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=320x240:rate=25",
                "-t",
                "2",
                "-c:v",
                "libx264",
                "-g",
                "25",
                "-bf",
                bframes,
                "-pix_fmt",
                "yuv420p",
                "-f",
                "h264",
                "-")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = process.getInputStream()) {
      in.transferTo(out);
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out.toByteArray();
  }

  /** Records what a hub tells its listener. */
  private static final class Recorder implements FragmentHub.Listener {
    final List<String> events = new ArrayList<>();

    @Override
    public void onInit(byte[] initSegment) {
      events.add("init");
    }

    @Override
    public void onFragment(Fragment f) {
      events.add(f.keyframe() ? "key" : "frame");
    }

    @Override
    public void onReset() {
      events.add("reset");
    }
  }

  @Test
  void publishesFromAKeyframeAndResetsAtTheEnd() throws Exception {
    byte[] stream = annexB("0");
    FragmentHub hub = new FragmentHub();
    Recorder recorder = new Recorder();
    H264Owner owner = new H264Owner();
    owner.sourceStarts();
    hub.subscribe(recorder); // for the hub's life
    H264Copy copy = new H264Copy(hub, owner);
    copy.copy(new ByteArrayInputStream(stream));
    assertThat(copy.pictures()).isEqualTo(50);
    assertThat(recorder.events).hasSize(1 + 50 + 1);
    assertThat(recorder.events.subList(0, 2)).containsExactly("init", "key");
    assertThat(recorder.events.get(26)).isEqualTo("key");
    assertThat(recorder.events.get(51)).isEqualTo("reset");
  }

  @Test
  void publishesNothingWhileTheEncoderStillRuns() throws Exception {
    byte[] stream = annexB("0");
    FragmentHub hub = new FragmentHub();
    Recorder recorder = new Recorder();
    H264Owner owner = new H264Owner();
    assertThat(owner.tryStartEncoder()).isTrue();
    owner.sourceStarts();
    assertThat(owner.tryStartEncoder()).isFalse();
    hub.subscribe(recorder); // for the hub's life
    new H264Copy(hub, owner).copy(new ByteArrayInputStream(stream));
    assertThat(recorder.events).isEmpty();
    assertThat(owner.sourceOwns()).isFalse();
    owner.encoderStopped();
    assertThat(owner.sourceOwns()).isTrue();
  }

  @Test
  void theEncoderStartsNoChildWhileTheSourceProbesItsInput() {
    H264Owner owner = new H264Owner();
    owner.sourceProbing(true);
    assertThat(owner.tryStartEncoder()).isFalse();
    owner.sourceProbing(false);
    assertThat(owner.tryStartEncoder()).isTrue();
    assertThat(owner.sourceWants()).as("a running encoder is not told to stop").isFalse();
  }

  @Test
  void stopsAtTheFirstBFrame() throws Exception {
    byte[] stream = annexB("2");
    FragmentHub hub = new FragmentHub();
    H264Owner owner = new H264Owner();
    owner.sourceStarts();
    H264Copy copy = new H264Copy(hub, owner);
    assertThatThrownBy(() -> copy.copy(new ByteArrayInputStream(stream)))
        .isInstanceOf(H264Copy.BFramesException.class);
    assertThat(copy.pictures()).isLessThan(10);
    assertThat(hub.initSegment()).as("reset when the copy ends").isNull();
  }
}
