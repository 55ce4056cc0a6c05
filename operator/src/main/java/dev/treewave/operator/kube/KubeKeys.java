package dev.treewave.operator.kube;

import dev.treewave.api.v1alpha1.KeyReference;
import dev.treewave.api.v1alpha1.ObjectKeyReference;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads an OSImage's trusted keys with plain GETs, as the agents do, so the operator can verify a
 * summary before it takes the ref's commit as the target.
 */
public final class KubeKeys implements HttpCommitResolver.KeyReader {
  private final KubernetesClient client;

  public KubeKeys(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public byte[] read(KeyReference reference) throws IOException {
    if (reference.secretRef() != null) {
      ObjectKeyReference r = reference.secretRef();
      Secret s = client.secrets().inNamespace(r.namespace()).withName(r.name()).get();
      if (s != null && s.getData() != null && s.getData().containsKey(r.key())) {
        return Base64.getDecoder().decode(s.getData().get(r.key()));
      }
      throw new IOException("trusted key Secret " + where(r) + " not found");
    }
    if (reference.configMapRef() != null) {
      ObjectKeyReference r = reference.configMapRef();
      ConfigMap m = client.configMaps().inNamespace(r.namespace()).withName(r.name()).get();
      if (m != null && m.getData() != null && m.getData().containsKey(r.key())) {
        return m.getData().get(r.key()).getBytes(StandardCharsets.UTF_8);
      }
      if (m != null && m.getBinaryData() != null && m.getBinaryData().containsKey(r.key())) {
        return Base64.getDecoder().decode(m.getBinaryData().get(r.key()));
      }
      throw new IOException("trusted key ConfigMap " + where(r) + " not found");
    }
    throw new IOException("a key reference names neither a Secret nor a ConfigMap");
  }

  private static String where(ObjectKeyReference r) {
    return r.namespace() + "/" + r.name() + " key " + r.key();
  }
}
