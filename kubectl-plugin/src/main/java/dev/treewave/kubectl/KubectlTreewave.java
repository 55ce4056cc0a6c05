package dev.treewave.kubectl;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.treewave.api.v1alpha1.OSImage;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.File;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code kubectl treewave}: kubectl finds the launcher {@code kubectl-treewave} on PATH and runs it
 * with the remaining arguments. Errors are one line on stderr with exit code 1, as kubectl's.
 */
@Command(
    name = "kubectl treewave",
    mixinStandardHelpOptions = true,
    versionProvider = KubectlTreewave.Version.class,
    description = "Watch and steer treewave OS rollouts (OSImages).",
    subcommands = {
      StatusCommand.class,
      PlanCommand.class,
      PauseCommand.class,
      ResumeCommand.class,
      RetryCommand.class,
      RollbackCommand.class,
      AbortCommand.class,
      CommandLine.HelpCommand.class
    })
public final class KubectlTreewave {
  @Option(
      names = "--kubeconfig",
      scope = ScopeType.INHERIT,
      description = "Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).")
  File kubeconfig;

  @Option(
      names = "--context",
      scope = ScopeType.INHERIT,
      description = "The kubeconfig context to use (default: its current context).")
  String context;

  KubernetesClient client() {
    Config config =
        kubeconfig != null
            ? Config.fromKubeconfig(context, kubeconfig)
            : Config.autoConfigure(context);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  public static void main(String[] args) {
    // The terminal's charset, as kubectl prints: node names and reasons may hold any UTF-8.
    Charset terminal = System.console() != null ? System.console().charset() : UTF_8;
    System.exit(
        run(
            args,
            new PrintWriter(new OutputStreamWriter(System.out, terminal), true),
            new PrintWriter(new OutputStreamWriter(System.err, terminal), true)));
  }

  /** Runs one command line; returns its exit code (0 done, 1 error or bad usage). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new KubectlTreewave());
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (e, a) -> {
          e.getCommandLine().getErr().println("error: " + e.getMessage());
          e.getCommandLine()
              .getErr()
              .println("See 'kubectl treewave " + subcommandPath(e.getCommandLine()) + "--help'.");
          return 1;
        });
    cli.setExecutionExceptionHandler(
        (e, c, parsed) -> {
          c.getErr().println("error: " + oneLine(e));
          return 1;
        });
    return cli.execute(args);
  }

  private static String subcommandPath(CommandLine c) {
    StringBuilder path = new StringBuilder();
    for (CommandLine at = c; at.getParent() != null; at = at.getParent()) {
      path.insert(0, at.getCommandName() + " ");
    }
    return path.toString();
  }

  static String oneLine(Exception e) {
    String message;
    if (e instanceof KubernetesClientException k && k.getStatus() != null) {
      message = k.getStatus().getMessage() != null ? k.getStatus().getMessage() : k.getMessage();
    } else {
      message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
      // "Operation: [get] ... failed." alone does not say that the server refused the connection.
      message = message + ": " + root.getMessage();
    }
    return message.replaceAll("\\s+", " ").strip();
  }

  /** Reads an OSImage or fails with kubectl's wording. */
  static OSImage get(KubernetesClient client, String name) {
    OSImage image = client.resources(OSImage.class).withName(name).get();
    if (image == null) {
      throw new IllegalArgumentException("osimages.treewave.dev \"" + name + "\" not found");
    }
    return image;
  }

  /** Applies one merge patch to an OSImage that must exist. */
  static void patch(KubernetesClient client, String name, String mergePatch) {
    get(client, name);
    client
        .resources(OSImage.class)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = KubectlTreewave.class.getPackage().getImplementationVersion();
      return new String[] {"kubectl-treewave " + (v != null ? v : "(development build)")};
    }
  }
}
