package dev.treewave.ostree.remote;

import dev.treewave.ostree.repo.KeyFile;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.sign.gpg.GpgVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads and edits the remotes of a repository: {@code [remote "NAME"]} groups in {@code
 * REPO/config} (re-read on every call, since other tools edit it too) and the per-remote keyring
 * {@code REPO/NAME.trustedkeys.gpg}. Edits are written atomically and keep unrelated lines.
 */
public final class RemoteConfig {
  private static final Pattern NAME = Pattern.compile("[\\w\\d][-._\\w\\d]*");
  private final Path repo;

  public RemoteConfig(Path repo) {
    this.repo = repo;
  }

  public static RemoteConfig of(OstreeRepo repo) {
    return new RemoteConfig(repo.path());
  }

  private Path configFile() {
    return repo.resolve("config");
  }

  private String read() {
    try {
      return Files.readString(configFile(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new OstreeException("Reading " + configFile() + ": " + e.getMessage(), e);
    }
  }

  private void write(String text) {
    try {
      Path tmp = repo.resolve("tmp").resolve("config-" + UUID.randomUUID());
      Files.createDirectories(tmp.getParent());
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(
          tmp, configFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new OstreeException("Writing " + configFile() + ": " + e.getMessage(), e);
    }
  }

  /** Names of all configured remotes, in config order. */
  public List<String> list() {
    List<String> out = new ArrayList<>();
    for (String g : KeyFile.parse(read()).groups()) {
      if (g.startsWith("remote \"") && g.endsWith("\"")) {
        out.add(g.substring(8, g.length() - 1));
      }
    }
    return out;
  }

  public Optional<Remote> find(String name) {
    KeyFile kf = KeyFile.parse(read());
    if (!kf.groups().contains(Remote.group(name))) {
      return Optional.empty();
    }
    return Optional.of(Remote.fromOptions(name, kf.groupMap(Remote.group(name))));
  }

  public Remote get(String name) {
    return find(name).orElseThrow(() -> new RemoteException("Remote \"" + name + "\" not found"));
  }

  /**
   * {@code ostree remote add NAME URL [BRANCH…]} with options such as {@code gpg-verify=false}.
   * Fails if the remote exists unless {@code ifNotExists}.
   */
  public void add(String name, String url, Map<String, String> options, boolean ifNotExists) {
    if (!NAME.matcher(name).matches()) {
      throw new RemoteException("Invalid remote name " + name);
    }
    if (find(name).isPresent()) {
      if (ifNotExists) {
        return;
      }
      throw new RemoteException("Remote configuration for \"" + name + "\" already exists");
    }
    KeyFile kf = KeyFile.parse(read());
    Map<String, String> all = new LinkedHashMap<>();
    all.put("url", url);
    all.putAll(options);
    for (Map.Entry<String, String> e : all.entrySet()) {
      kf.set(Remote.group(name), e.getKey(), e.getValue());
    }
    write(kf.serialize());
  }

  /** Sets one option of an existing remote. */
  public void setOption(String name, String key, String value) {
    get(name);
    KeyFile kf = KeyFile.parse(read());
    kf.set(Remote.group(name), key, value);
    write(kf.serialize());
  }

  /** Removes the remote's group (and the blank line before it) and its keyring. */
  public void delete(String name, boolean ifExists) {
    if (find(name).isEmpty()) {
      if (ifExists) {
        return;
      }
      throw new RemoteException("Remote \"" + name + "\" not found");
    }
    List<String> lines = new ArrayList<>(List.of(read().split("\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    List<String> out = new ArrayList<>();
    boolean skipping = false;
    String header = "[" + Remote.group(name) + "]";
    for (String l : lines) {
      String s = l.strip();
      if (s.startsWith("[") && s.endsWith("]")) {
        skipping = s.equals(header);
        if (skipping) {
          while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
            out.remove(out.size() - 1);
          }
          continue;
        }
      }
      if (!skipping) {
        out.add(l);
      }
    }
    StringBuilder sb = new StringBuilder();
    out.forEach(l -> sb.append(l).append('\n'));
    write(sb.toString());
    try {
      Files.deleteIfExists(trustedKeysFile(name));
    } catch (IOException e) {
      throw new OstreeException("Deleting keyring of " + name + ": " + e.getMessage(), e);
    }
  }

  /** {@code REPO/NAME.trustedkeys.gpg}. */
  public Path trustedKeysFile(String name) {
    return repo.resolve(name + ".trustedkeys.gpg");
  }

  /**
   * {@code ostree remote gpg-import}: appends the public keys of {@code keyring} (binary or
   * armored) to the remote's keyring; returns how many key rings were imported.
   */
  public int gpgImport(String name, byte[] keyring) {
    get(name);
    var rings = GpgVerifier.fromKeyringBytes(keyring).trustedKeys();
    try {
      Path f = trustedKeysFile(name);
      java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
      if (Files.exists(f)) {
        buf.write(Files.readAllBytes(f));
      }
      for (var r : rings) {
        buf.write(r.getEncoded());
      }
      Path tmp = repo.resolve("tmp").resolve("keyring-" + UUID.randomUUID());
      Files.write(tmp, buf.toByteArray());
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new OstreeException("Importing GPG keys for " + name + ": " + e.getMessage(), e);
    }
    return rings.size();
  }
}
