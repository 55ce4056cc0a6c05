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
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * core/v1 Events on the OSImage, aggregated as client-go's recorder does. The same event (object,
 * type, reason, message) again bumps {@code count} and {@code lastTimestamp} of the Event already
 * written instead of creating another, so a condition seen on every reconcile costs one object; and
 * once an object has had {@value #SIMILAR} messages of one reason within ten minutes ("n-0042:
 * cordoned", "n-0043: cordoned", ...), the rest go into one Event whose message starts with {@value
 * #COMBINED} and shows the latest (see {@link SimilarEvents}). OSImages are cluster-scoped, so the
 * events live in a namespace of our choosing; {@code kubectl describe osimage} still finds them.
 *
 * <p>Events go out on their own thread through a bounded queue: a slow or stuck API server never
 * holds up a reconcile (a rollout does not wait for its own commentary) and never grows memory;
 * what does not fit is dropped and counted in the log. The thread takes whatever has queued up at
 * once and writes each Event of it once, with the sum of its counts: a wave that cordons a hundred
 * nodes in one pass costs a few writes, not a hundred.
 */
public final class KubeEvents implements EventSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubeEvents.class);
  static final int QUEUE_CAPACITY = 1000;
  static final int REMEMBERED = 1024;
  static final int SIMILAR = 10;
  static final String COMBINED = "(combined from similar events): ";
  private static final Duration SIMILAR_QUIET = Duration.ofMinutes(10);
  private static final int BATCH = 256;

  private final KubernetesClient client;
  private final String namespace;
  private final String component;
  private final Clock clock;
  private final AtomicLong dropped = new AtomicLong();
  private final BlockingQueue<Occurrence> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final SimilarEvents similar = new SimilarEvents(SIMILAR, SIMILAR_QUIET, REMEMBERED);
  private final Thread sender;

  private record Occurrence(
      OSImage image, String type, String reason, String message, Instant at) {}

  /** An Event's identity; a null message stands for its group's combined Event. */
  private record Key(String uid, String name, String type, String reason, String message) {}

  /** One Event to write: {@code count} occurrences of {@code key}, the latest {@code message}. */
  private record Pending(
      Key key, OSImage image, String message, int count, Instant first, Instant last) {
    Pending plus(Occurrence o, String shown) {
      return new Pending(key, image, shown, count + 1, first, o.at());
    }
  }

  private record Written(String eventName, int count) {}

  /** The Events written lately, by key; the least recently used goes first (sender thread only). */
  private final Map<Key, Written> recent =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Written> eldest) {
          return size() > REMEMBERED;
        }
      };

  public KubeEvents(KubernetesClient client, String namespace, String component, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.component = component;
    this.clock = clock;
    this.sender = new Thread(this::sendUntilClosed, "treewave-events");
    sender.setDaemon(true);
    sender.start();
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
    if (!queue.offer(new Occurrence(image, type, reason, message, clock.instant()))) {
      long n = dropped.incrementAndGet();
      if (n == 1 || n % 100 == 0) {
        LOG.warn("event queue full: {} event(s) dropped so far", n);
      }
    }
  }

  private void sendUntilClosed() {
    List<Occurrence> batch = new ArrayList<>(BATCH);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(batch, BATCH - 1);
      for (Pending p : fold(batch)) {
        send(p);
      }
      batch.clear();
    }
  }

  /** The batch as Events to write, in the order they first occurred. */
  private List<Pending> fold(List<Occurrence> batch) {
    Map<Key, Pending> folded = new LinkedHashMap<>();
    for (Occurrence o : batch) {
      String uid = o.image().getMetadata().getUid();
      String name = o.image().getMetadata().getName();
      boolean combined =
          similar.combine(
              new SimilarEvents.Group(uid, name, o.type(), o.reason()), o.message(), o.at());
      Key key = new Key(uid, name, o.type(), o.reason(), combined ? null : o.message());
      String shown = combined ? COMBINED + o.message() : o.message();
      folded.merge(
          key,
          new Pending(key, o.image(), shown, 1, o.at(), o.at()),
          (before, one) -> before.plus(o, shown));
    }
    return new ArrayList<>(folded.values());
  }

  private void send(Pending p) {
    try {
      Written before = recent.get(p.key());
      if (before != null && bump(before, p)) {
        recent.put(p.key(), new Written(before.eventName(), before.count() + p.count()));
        return;
      }
      Event created = client.v1().events().inNamespace(namespace).resource(event(p)).create();
      recent.put(p.key(), new Written(created.getMetadata().getName(), p.count()));
    } catch (RuntimeException e) {
      // An Event is worth a log line, never a failed reconcile.
      LOG.warn("could not record event {}: {}", p.key().reason(), e.getMessage());
    }
  }

  /** Counts more occurrences on the Event already written; false if it is gone (expired). */
  private boolean bump(Written before, Pending p) {
    Map<String, Object> patch = new LinkedHashMap<>();
    patch.put("count", before.count() + p.count());
    patch.put("lastTimestamp", p.last().toString());
    if (p.key().message() == null) {
      patch.put("message", p.message()); // a combined Event shows its latest message
    }
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
          .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false; // the API server dropped it (events expire after an hour): write a new one
      }
      throw e;
    }
  }

  private Event event(Pending p) {
    return new EventBuilder()
        .withNewMetadata()
        .withGenerateName(p.key().name() + ".")
        .withNamespace(namespace)
        .endMetadata()
        .withInvolvedObject(
            new ObjectReferenceBuilder()
                .withApiVersion(p.image().getApiVersion())
                .withKind(p.image().getKind())
                .withName(p.key().name())
                .withUid(p.key().uid())
                .build())
        .withType(p.key().type())
        .withReason(p.key().reason())
        .withMessage(p.message())
        .withFirstTimestamp(p.first().toString())
        .withLastTimestamp(p.last().toString())
        .withCount(p.count())
        .withNewSource()
        .withComponent(component)
        .endSource()
        .build();
  }

  @Override
  public void close() {
    sender.interrupt();
  }
}
