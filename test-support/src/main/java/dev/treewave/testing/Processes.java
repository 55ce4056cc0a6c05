package dev.treewave.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The one way tests run a command and keep its output: stdout and stderr are drained at the same
 * time (reading one to the end before the other hangs once the other fills its pipe), stdin is
 * closed, and the timeout really applies, killing the command and its children when it passes.
 */
public final class Processes {
  private Processes() {}

  /** What a finished command left. */
  public record Result(int exitCode, byte[] stdoutBytes, byte[] stderrBytes) {
    public String stdout() {
      return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    public String stderr() {
      return new String(stderrBytes, StandardCharsets.UTF_8);
    }
  }

  /**
   * Starts {@code builder} as configured (directory, environment, redirects) and waits for it.
   * Output the builder redirects elsewhere is simply empty here.
   *
   * @throws IllegalStateException if it does not end within {@code timeout}
   */
  public static Result run(ProcessBuilder builder, Duration timeout) throws IOException {
    Process p = builder.start();
    p.getOutputStream().close();
    CompletableFuture<byte[]> out = drain(p.getInputStream());
    CompletableFuture<byte[]> err = drain(p.getErrorStream());
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IllegalStateException(
            "did not end within " + timeout + ": " + String.join(" ", builder.command()));
      }
      return new Result(p.exitValue(), out.get(), err.get());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + builder.command(), e);
    } catch (ExecutionException e) {
      throw new IOException("could not read the output of " + builder.command(), e.getCause());
    }
  }

  /**
   * Runs the command like {@link #run} and fails the test unless it exits 0: the {@link
   * AssertionError} names the command, its exit code and what it printed (stderr, else stdout).
   */
  public static Result check(ProcessBuilder builder, Duration timeout) throws IOException {
    Result r = run(builder, timeout);
    if (r.exitCode() != 0) {
      String said = r.stderr().isBlank() ? r.stdout() : r.stderr();
      throw new AssertionError(
          String.join(" ", builder.command())
              + " exited with "
              + r.exitCode()
              + ": "
              + said.strip());
    }
    return r;
  }

  private static CompletableFuture<byte[]> drain(InputStream stream) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try (stream) {
                result.complete(stream.readAllBytes());
              } catch (IOException e) {
                result.completeExceptionally(new UncheckedIOException(e));
              }
            },
            "process-output");
    t.setDaemon(true);
    t.start();
    return result;
  }
}
