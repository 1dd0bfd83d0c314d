package dev.socketkit.bench;

import dev.socketkit.select.Select;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one {@code Select.select(reads, [], [], 0)} call over N channels of which one is
 * ready, as the lecture's select loop makes it once per pass: the list diff against the calling
 * thread's Selector, one {@code epoll_wait}, and building the result lists.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SelectBenchmark {
  /** Channels passed in the reads list. */
  @Param({"10", "100", "1000"})
  public int channels;

  private final List<Pipe> pipes = new ArrayList<>();
  private final List<SelectableChannel> reads = new ArrayList<>();

  /** Opens the pipes and makes the first one readable for good. */
  @Setup(Level.Trial)
  public void open() throws IOException {
    for (int i = 0; i < channels; i++) {
      Pipe pipe = Pipe.open();
      pipes.add(pipe);
      reads.add(pipe.source());
    }
    pipes.get(0).sink().write(ByteBuffer.wrap(new byte[] {1}));
  }

  /** Closes every pipe. */
  @TearDown(Level.Trial)
  public void close() throws IOException {
    for (Pipe pipe : pipes) {
      pipe.source().close();
      pipe.sink().close();
    }
  }

  /** One poll of the whole list. */
  @Benchmark
  public Object selectOverTheList() throws IOException {
    return Select.select(reads, List.of(), List.of(), Duration.ZERO);
  }
}
