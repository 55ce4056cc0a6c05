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
 * Reads keys with plain GETs, when an instruction starts: keys change rarely, and a watch on
 * Secrets would need list/watch permission on every Secret of the namespace.
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
      throw new KeyUnavailableException("cannot read trusted key: " + e.getMessage());
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
