package dev.treewave.testing.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.function.UnaryOperator;

/**
 * Edits an object as a person or a GitOps tool would, again after a write conflict: a controller
 * writes status all the time, and every status write moves the resourceVersion an edit is checked
 * against. kubectl retries such a conflict too.
 */
public final class ConflictRetry {

  private static final int ATTEMPTS = 20;

  private ConflictRetry() {}

  /** {@code change} applied to the current object, up to 20 times on 409; the object as written. */
  public static <T extends HasMetadata> T edit(Resource<T> resource, UnaryOperator<T> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return resource.edit(change);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
