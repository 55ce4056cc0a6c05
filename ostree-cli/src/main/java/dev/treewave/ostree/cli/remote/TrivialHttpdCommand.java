package dev.treewave.ostree.cli.remote;

import dev.treewave.testing.http.StaticRepoServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "trivial-httpd", description = "Serve a directory (a repository) over plain HTTP")
final class TrivialHttpdCommand extends TransportCommand {
  @Option(
      names = "--address",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default 127.0.0.1)")
  String address;

  @Option(
      names = {"-P", "--port"},
      defaultValue = "0",
      description = "Port (0: any free port)")
  int port;

  @Option(
      names = {"-p", "--port-file"},
      description = "Write the chosen port to this file")
  Path portFile;

  @Option(names = "--log-requests")
  boolean log;

  @Parameters(index = "0", defaultValue = ".", paramLabel = "DIR")
  Path dir;

  @Override
  int execute() throws Exception {
    StaticRepoServer server = StaticRepoServer.start(dir, new InetSocketAddress(address, port));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    if (portFile != null) {
      Files.writeString(portFile, server.port() + "\n");
    }
    out().println("Serving " + dir.toAbsolutePath() + " at " + server.url());
    out().flush();
    new CountDownLatch(1).await(); // until killed
    return 0;
  }
}
