package dev.socketkit.cli;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.PriorityBlockingQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Lecture section 5: puts the items into a FIFO, a LIFO and a priority queue and prints the order
 * each gives them back in.
 *
 * <p>Python's {@code queue.Queue}, {@code queue.LifoQueue} and {@code queue.PriorityQueue} are
 * thread-safe; so are their stand-ins here: {@link LinkedBlockingQueue}, a {@link
 * LinkedBlockingDeque} used from one end, and {@link PriorityBlockingQueue} (lowest first, as in
 * Python).
 */
@Command(
    name = "queues",
    mixinStandardHelpOptions = true,
    description = "Show the items in FIFO, LIFO and priority order (lecture section 5).")
final class QueuesCommand implements Runnable {
  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..*",
      paramLabel = "ITEM",
      description = "Items to queue (default: the lecture's ${DEFAULT-VALUE}).",
      defaultValue = "Hello World Python Korea",
      split = " ")
  List<String> items;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();

    BlockingQueue<String> fifo = new LinkedBlockingQueue<>(); // queue.Queue()
    BlockingDeque<String> lifo = new LinkedBlockingDeque<>(); // queue.LifoQueue()
    BlockingQueue<String> priority = new PriorityBlockingQueue<>(); // queue.PriorityQueue()
    for (String value : items) {
      fifo.add(value); // put()
      lifo.push(value);
      priority.add(value);
    }
    out.println("FIFO:     " + drain(fifo));
    out.println("LIFO:     " + drain(lifo));
    out.println("priority: " + drain(priority));
    out.flush();
  }

  /** The lecture's {@code while not q.empty(): print(q.get())}, collected on one line. */
  private static String drain(Queue<String> queue) {
    Deque<String> order = new ArrayDeque<>();
    while (!queue.isEmpty()) { // empty()
      order.addLast(queue.remove()); // get()
    }
    return String.join(" ", order);
  }
}
