package dev.treewave.agent.kube;

import dev.treewave.api.v1alpha1.KeyReference;
import dev.treewave.api.v1alpha1.ObjectKeyReference;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads keys with plain GETs (a watch would need list/watch permission on every Secret of the
 * namespace). A missing object or key, or a refused read, makes the instruction fail with that
 * reason; other API errors are thrown, so the agent's loop simply tries again.
 */
public final class KubeKeySource implements KeySource {

  private final KubernetesClient client;

  public KubeKeySource(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public byte[] read(KeyReference reference) throws KeyUnavailableException {
    try {
      if (reference.secretRef() != null) {
        return fromSecret(reference.secretRef());
      }
      if (reference.configMapRef() != null) {
        return fromConfigMap(reference.configMapRef());
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        throw new KeyUnavailableException(
            "the agent may not read its trusted key (grant get on it): " + e.getMessage());
      }
      throw e; // transient (API server away, timeout): the loop tries again on its next pass
    }
    throw new KeyUnavailableException("a key reference names neither a Secret nor a ConfigMap");
  }

  private byte[] fromSecret(ObjectKeyReference ref) throws KeyUnavailableException {
    Secret secret = client.secrets().inNamespace(ref.namespace()).withName(ref.name()).get();
    String where = "Secret " + ref.namespace() + "/" + ref.name();
    if (secret == null) {
      throw new KeyUnavailableException("trusted key " + where + " does not exist");
    }
    if (secret.getData() != null && secret.getData().containsKey(ref.key())) {
      return Base64.getDecoder().decode(secret.getData().get(ref.key()));
    }
    if (secret.getStringData() != null && secret.getStringData().containsKey(ref.key())) {
      return secret.getStringData().get(ref.key()).getBytes(StandardCharsets.UTF_8);
    }
    throw new KeyUnavailableException(where + " has no key '" + ref.key() + "'");
  }

  private byte[] fromConfigMap(ObjectKeyReference ref) throws KeyUnavailableException {
    ConfigMap map = client.configMaps().inNamespace(ref.namespace()).withName(ref.name()).get();
    String where = "ConfigMap " + ref.namespace() + "/" + ref.name();
    if (map == null) {
      throw new KeyUnavailableException("trusted key " + where + " does not exist");
    }
    if (map.getData() != null && map.getData().containsKey(ref.key())) {
      return map.getData().get(ref.key()).getBytes(StandardCharsets.UTF_8);
    }
    if (map.getBinaryData() != null && map.getBinaryData().containsKey(ref.key())) {
      return Base64.getDecoder().decode(map.getBinaryData().get(ref.key()));
    }
    throw new KeyUnavailableException(where + " has no key '" + ref.key() + "'");
  }
}
