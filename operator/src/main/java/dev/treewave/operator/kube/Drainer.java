package dev.treewave.operator.kube;

import dev.treewave.api.v1alpha1.DrainSpec;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One drain pass: evicts each pod that must go, through the Eviction API so PodDisruptionBudgets
 * hold. A pod refused with 429 is retried on a later pass after an exponential back-off (5 s
 * doubling to 2 min), so a blocked drain neither spins nor gives up before the timeout.
 */
public final class Drainer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Drainer.class);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(2);

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<String, Backoff> backoffs = new ConcurrentHashMap<>();

  private record Backoff(Instant until, Duration last) {}

  /** Result of one pass. */
  public record Pass(int remaining, int evicted, int refused) {}

  /**
   * How long a node's pod list is reused: the operator's in-flight poll, so a node in flight is
   * still looked at every 5 s (see {@link RecentPods}).
   */
  static final Duration POD_LIST_MAX_AGE = Duration.ofSeconds(5);

  private final RecentPods pods;

  public Drainer(KubernetesClient client, Clock clock) {
    this(client, clock, node -> fieldSelected(client, node));
  }

  /**
   * @param podsOnNode how to find a node's pods; the API server's field selector in production
   */
  public Drainer(KubernetesClient client, Clock clock, Function<String, List<Pod>> podsOnNode) {
    // The client retries a 429 by itself, blocking the reconcile thread for seconds; a refused
    // eviction is a normal answer here, handled by our own per-pod back-off across passes.
    Config noRetry =
        new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0).build();
    this.client = new KubernetesClientBuilder().withConfig(noRetry).build();
    this.clock = clock;
    this.pods = new RecentPods(clock, POD_LIST_MAX_AGE, podsOnNode);
  }

  private static List<Pod> fieldSelected(KubernetesClient client, String node) {
    return client.pods().inAnyNamespace().withField("spec.nodeName", node).list().getItems();
  }

  /** The node's pods, from a list at most {@link #POD_LIST_MAX_AGE} old. */
  public List<Pod> podsOn(String node) {
    return pods.on(node);
  }

  /** The node's pods, listed now (the health gate reads their readiness). */
  public List<Pod> podsOnNow(String node) {
    return pods.fresh(node);
  }

  /** The node was cordoned or released: a list from before says nothing about it now. */
  public void forget(String node) {
    pods.forget(node);
  }

  public Pass drain(String node, DrainSpec drain, boolean force) {
    List<Pod> toEvict = PodFilters.toEvict(podsOn(node), drain);
    Set<String> gone = new HashSet<>();
    int evicted = 0;
    int refused = 0;
    Instant now = clock.instant();
    for (Pod pod : toEvict) {
      String key = RecentPods.key(pod);
      Backoff backoff = backoffs.get(key);
      if (!force && backoff != null && now.isBefore(backoff.until())) {
        continue;
      }
      if (force ? delete(pod, drain) : evict(pod, drain)) {
        backoffs.remove(key);
        gone.add(key);
        evicted++;
      } else {
        Duration next =
            backoff == null ? FIRST_BACKOFF : min(backoff.last().multipliedBy(2), MAX_BACKOFF);
        backoffs.put(key, new Backoff(now.plus(next), next));
        refused++;
      }
    }
    // An evicted pod is terminating, so it no longer counts: the kept list can say "drained"
    // without listing again.
    pods.gone(node, gone);
    return new Pass(toEvict.size() - evicted, evicted, refused);
  }

  private boolean evict(Pod pod, DrainSpec drain) {
    Eviction eviction =
        new EvictionBuilder()
            .withNewMetadata()
            .withName(pod.getMetadata().getName())
            .withNamespace(pod.getMetadata().getNamespace())
            .endMetadata()
            .withDeleteOptions(
                new DeleteOptionsBuilder()
                    .withGracePeriodSeconds(drain.gracePeriodSeconds())
                    .build())
            .build();
    try {
      // false means 429: a PodDisruptionBudget does not allow it right now.
      return client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .evict(eviction);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return true; // already gone
      }
      LOG.warn("evicting {} failed: {}", PodFilters.name(pod), e.getMessage());
      return false;
    }
  }

  private boolean delete(Pod pod, DrainSpec drain) {
    var resource =
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName());
    if (drain.gracePeriodSeconds() != null) {
      resource.withGracePeriod(drain.gracePeriodSeconds()).delete();
    } else {
      resource.delete();
    }
    return true;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void close() {
    client.close();
  }
}
