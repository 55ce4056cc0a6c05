package dev.treewave.operator.kube;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.operator.rollout.EventSink;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * core/v1 Events on the OSImage, aggregated as client-go's recorder does: the same event (object,
 * type, reason, message) again bumps {@code count} and {@code lastTimestamp} of the Event already
 * written instead of creating another, so a condition seen on every reconcile costs one object.
 * OSImages are cluster-scoped, so the events live in a namespace of our choosing; {@code kubectl
 * describe osimage} still finds them.
 *
 * <p>Events go out on their own thread through a bounded queue: a slow or stuck API server never
 * holds up a reconcile (a rollout does not wait for its own commentary) and never grows memory;
 * what does not fit is dropped and counted in the log.
 */
public final class KubeEvents implements EventSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubeEvents.class);
  static final int QUEUE_CAPACITY = 1000;
  static final int REMEMBERED = 1024;

  private final KubernetesClient client;
  private final String namespace;
  private final String component;
  private final Clock clock;
  private final AtomicLong dropped = new AtomicLong();

  private record Key(String uid, String name, String type, String reason, String message) {}

  private record Written(String eventName, int count, String firstTimestamp) {}

  /** The Events written lately, by key; the least recently used goes first (sender thread only). */
  private final Map<Key, Written> recent =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Written> eldest) {
          return size() > REMEMBERED;
        }
      };

  private final ThreadPoolExecutor sender =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(QUEUE_CAPACITY),
          r -> {
            Thread t = new Thread(r, "treewave-events");
            t.setDaemon(true);
            return t;
          },
          (task, executor) -> {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 100 == 0) {
              LOG.warn("event queue full: {} event(s) dropped so far", n);
            }
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

  /** Events that did not fit in the queue. */
  long dropped() {
    return dropped.get();
  }

  private void emit(OSImage image, String type, String reason, String message) {
    LOG.info("{} {} {}: {}", image.getMetadata().getName(), type, reason, message);
    String now = clock.instant().toString();
    sender.execute(() -> send(image, type, reason, message, now));
  }

  private void send(OSImage image, String type, String reason, String message, String now) {
    Key key =
        new Key(image.getMetadata().getUid(), image.getMetadata().getName(), type, reason, message);
    try {
      Written before = recent.get(key);
      if (before != null && bump(before, now)) {
        recent.put(
            key, new Written(before.eventName(), before.count() + 1, before.firstTimestamp()));
        return;
      }
      Event created =
          client.v1().events().inNamespace(namespace).resource(event(image, key, now)).create();
      recent.put(key, new Written(created.getMetadata().getName(), 1, now));
    } catch (RuntimeException e) {
      // An Event is worth a log line, never a failed reconcile.
      LOG.warn("could not record event {}: {}", reason, e.getMessage());
    }
  }

  /** Counts one more occurrence on the Event already written; false if it is gone (expired). */
  private boolean bump(Written before, String now) {
    String patch = "{\"count\":" + (before.count() + 1) + ",\"lastTimestamp\":\"" + now + "\"}";
    try {
      // Through resource(stub): by name alone, fabric8 would GET the Event first, which the
      // chart's RBAC does not grant (create and patch only).
      client
          .v1()
          .events()
          .inNamespace(namespace)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(before.eventName())
                  .withNamespace(namespace)
                  .endMetadata()
                  .build())
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false; // the API server dropped it (events expire after an hour): write a new one
      }
      throw e;
    }
  }

  private Event event(OSImage image, Key key, String now) {
    return new EventBuilder()
        .withNewMetadata()
        .withGenerateName(key.name() + ".")
        .withNamespace(namespace)
        .endMetadata()
        .withInvolvedObject(
            new ObjectReferenceBuilder()
                .withApiVersion(image.getApiVersion())
                .withKind(image.getKind())
                .withName(key.name())
                .withUid(key.uid())
                .build())
        .withType(key.type())
        .withReason(key.reason())
        .withMessage(key.message())
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource()
        .withComponent(component)
        .endSource()
        .build();
  }

  @Override
  public void close() {
    sender.shutdownNow();
  }
}
