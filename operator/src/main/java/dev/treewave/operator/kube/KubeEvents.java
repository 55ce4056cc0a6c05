package dev.treewave.operator.kube;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.operator.rollout.EventSink;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * core/v1 Events on the OSImage. OSImages are cluster-scoped, so the events live in a namespace of
 * our choosing (the operator's); {@code kubectl describe osimage} still finds them.
 */
public final class KubeEvents implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(KubeEvents.class);
  private final KubernetesClient client;
  private final String namespace;
  private final String component;
  private final Clock clock;

  /**
   * Events go out on their own thread, in order: a slow or stuck Event write must never hold up a
   * reconcile (a rollout does not wait for its own commentary).
   */
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "treewave-events");
            t.setDaemon(true);
            return t;
          });

  public KubeEvents(KubernetesClient client, String namespace, String component, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.component = component;
    this.clock = clock;
  }

  @Override
  public void normal(OSImage image, String reason, String message) {
    emit(image, "Normal", reason, message);
  }

  @Override
  public void warning(OSImage image, String reason, String message) {
    emit(image, "Warning", reason, message);
  }

  private void emit(OSImage image, String type, String reason, String message) {
    LOG.info("{} {} {}: {}", image.getMetadata().getName(), type, reason, message);
    String now = clock.instant().toString();
    sender.execute(() -> send(image, type, reason, message, now));
  }

  private void send(OSImage image, String type, String reason, String message, String now) {
    try {
      client
          .v1()
          .events()
          .inNamespace(namespace)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withGenerateName(image.getMetadata().getName() + ".")
                  .withNamespace(namespace)
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(image.getApiVersion())
                          .withKind(image.getKind())
                          .withName(image.getMetadata().getName())
                          .withUid(image.getMetadata().getUid())
                          .build())
                  .withType(type)
                  .withReason(reason)
                  .withMessage(message)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent(component)
                  .endSource()
                  .build())
          .create();
    } catch (RuntimeException e) {
      // An Event is worth a log line, never a failed reconcile.
      LOG.warn("could not record event {}: {}", reason, e.getMessage());
    }
  }
}
