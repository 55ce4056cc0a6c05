package dev.treewave.ostree.commit;

import dev.treewave.ostree.core.DirMeta;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.FileMode;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.Xattr;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.Transaction;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * {@code --tree=tar=FILE}: imports a POSIX/GNU tar (optionally gzip or xz compressed) the way OS
 * image builders produce it, with ownership and mode from the tar headers, PAX paths and {@code
 * SCHILY.xattr.user.*} xattrs, and hard links resolved to their target's content. Paths with {@code
 * ..} and device nodes are refused.
 */
final class TarImporter {
  private static final long MAX_ENTRY = 1L << 31;
  private final OwnershipPolicy policy;
  private final boolean readXattrs;
  private final Transaction tx;
  private final ContentImporter importer;
  private final Map<String, Future<ObjectId>> byPath = new HashMap<>();
  private ObjectId defaultDirMeta;

  TarImporter(
      OwnershipPolicy policy, boolean readXattrs, Transaction tx, ContentImporter importer) {
    this.policy = policy;
    this.readXattrs = readXattrs;
    this.tx = tx;
    this.importer = importer;
  }

  void importInto(Path file, MutableTree root) {
    try (InputStream in = decompressing(file)) {
      read(in, root);
    } catch (IOException e) {
      throw new OstreeException("Reading tarball " + file + ": " + e.getMessage(), e);
    }
  }

  private static InputStream decompressing(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(6);
    byte[] magic = in.readNBytes(6);
    in.reset();
    if (magic.length >= 2 && (magic[0] & 0xFF) == 0x1f && (magic[1] & 0xFF) == 0x8b) {
      return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
    }
    if (magic.length == 6 && (magic[0] & 0xFF) == 0xfd && magic[1] == '7' && magic[2] == 'z') {
      return new BufferedInputStream(new XZInputStream(in), 1 << 16);
    }
    return in;
  }

  private void read(InputStream in, MutableTree root) throws IOException {
    String longName = null;
    String longLink = null;
    Map<String, String> pax = new HashMap<>();
    byte[] block = new byte[512];
    while (true) {
      int n = in.readNBytes(block, 0, 512);
      if (n == 0) {
        return;
      }
      if (n < 512) {
        throw new OstreeException("truncated tar header");
      }
      if (isZero(block)) {
        return;
      }
      verifyChecksum(block);
      char type = (char) block[156];
      long size = number(block, 124, 12);
      if (size < 0 || size > MAX_ENTRY) {
        throw new OstreeException("tar entry size " + size + " is out of range");
      }
      if (pax.containsKey("size")) {
        size = Long.parseLong(pax.get("size"));
      }
      switch (type) {
        case 'L' -> {
          longName = cstring(readBody(in, size), 0, (int) size);
          continue;
        }
        case 'K' -> {
          longLink = cstring(readBody(in, size), 0, (int) size);
          continue;
        }
        case 'x' -> {
          pax = parsePax(readBody(in, size));
          continue;
        }
        case 'g' -> {
          readBody(in, size);
          continue;
        }
        default -> {}
      }
      String name = cstring(block, 0, 100);
      String prefix = cstring(block, 345, 155);
      if (!prefix.isEmpty() && isUstar(block)) {
        name = prefix + "/" + name;
      }
      name = pax.getOrDefault("path", longName != null ? longName : name);
      String link =
          pax.getOrDefault("linkpath", longLink != null ? longLink : cstring(block, 157, 100));
      int uid =
          pax.containsKey("uid") ? Integer.parseInt(pax.get("uid")) : (int) number(block, 108, 8);
      int gid =
          pax.containsKey("gid") ? Integer.parseInt(pax.get("gid")) : (int) number(block, 116, 8);
      int perms = (int) number(block, 100, 8) & 07777;
      List<Xattr> xattrs = new ArrayList<>();
      if (readXattrs) {
        pax.forEach(
            (k, v) -> {
              if (k.startsWith("SCHILY.xattr.")) {
                xattrs.add(new Xattr(k.substring(13), v.getBytes(StandardCharsets.ISO_8859_1)));
              }
            });
      }
      pax = new HashMap<>();
      longName = null;
      longLink = null;
      List<String> parts = components(name);
      switch (type) {
        case '0', '\0', '7' -> {
          byte[] data = readBody(in, size);
          FileHeader h =
              FileHeader.regular(
                  policy.uid(uid), policy.gid(gid), policy.mode(FileMode.S_IFREG | perms), xattrs);
          Future<ObjectId> f = importer.bytes(h, data);
          parent(root, parts).putFile(last(parts, name), f);
          byPath.put(String.join("/", parts), f);
        }
        case '1' -> {
          readBody(in, size);
          Future<ObjectId> target = byPath.get(String.join("/", components(link)));
          if (target == null) {
            throw new OstreeException(
                "tar hard link " + name + " -> " + link + ": target not found");
          }
          parent(root, parts).putFile(last(parts, name), target);
          byPath.put(String.join("/", parts), target);
        }
        case '2' -> {
          readBody(in, size);
          FileHeader h = FileHeader.symlink(policy.uid(uid), policy.gid(gid), link, List.of());
          parent(root, parts).putFile(last(parts, name), importer.symlink(h));
        }
        case '5' -> {
          readBody(in, size);
          ObjectId meta =
              tx.writeDirMeta(
                  new DirMeta(
                      policy.uid(uid),
                      policy.gid(gid),
                      policy.mode(FileMode.S_IFDIR | perms),
                      xattrs));
          if (parts.isEmpty()) {
            root.setMeta(meta);
          } else {
            parent(root, parts).directory(last(parts, name), meta);
          }
        }
        default ->
            throw new OstreeException("Unsupported tar entry type '" + type + "' for " + name);
      }
    }
  }

  private MutableTree parent(MutableTree root, List<String> parts) {
    MutableTree t = root;
    for (int i = 0; i < parts.size() - 1; i++) {
      t = t.directory(parts.get(i), null);
      if (t.meta() == null) {
        t.setMeta(defaultMeta());
      }
    }
    return t;
  }

  private ObjectId defaultMeta() {
    if (defaultDirMeta == null) {
      defaultDirMeta = tx.writeDirMeta(DirMeta.directory(0, 0, 0755, List.of()));
    }
    return defaultDirMeta;
  }

  private static String last(List<String> parts, String name) {
    if (parts.isEmpty()) {
      throw new OstreeException("tar entry '" + name + "' has no file name");
    }
    return parts.get(parts.size() - 1);
  }

  /** Path components; refuses {@code ..} so an entry can never land outside the tree. */
  static List<String> components(String path) {
    List<String> out = new ArrayList<>();
    for (String p : path.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        throw new OstreeException("Refusing tar entry with '..' in its path: " + path);
      }
      out.add(p);
    }
    return out;
  }

  private static byte[] readBody(InputStream in, long size) throws IOException {
    byte[] data = in.readNBytes((int) size);
    if (data.length != size) {
      throw new OstreeException("truncated tar entry");
    }
    long pad = (512 - (size % 512)) % 512;
    if (in.skip(0) < 0 || skipFully(in, pad) != pad) {
      throw new OstreeException("truncated tar padding");
    }
    return data;
  }

  private static long skipFully(InputStream in, long n) throws IOException {
    return in.readNBytes((int) n).length;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUstar(byte[] b) {
    return b[257] == 'u' && b[258] == 's' && b[259] == 't' && b[260] == 'a' && b[261] == 'r';
  }

  private static void verifyChecksum(byte[] b) {
    long stored = number(b, 148, 8);
    long sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (b[i] & 0xFF);
    }
    if (sum != stored) {
      throw new OstreeException("tar header checksum mismatch (not a tar file?)");
    }
  }

  /** Octal, or GNU base-256 when the high bit of the first byte is set. */
  static long number(byte[] b, int off, int len) {
    if ((b[off] & 0x80) != 0) {
      long v = b[off] & 0x7F;
      for (int i = 1; i < len; i++) {
        v = (v << 8) | (b[off + i] & 0xFF);
      }
      return v;
    }
    long v = 0;
    for (int i = off; i < off + len; i++) {
      char c = (char) b[i];
      if (c == 0 || c == ' ') {
        if (v != 0) {
          break;
        }
        continue;
      }
      if (c < '0' || c > '7') {
        throw new OstreeException("invalid number in tar header");
      }
      v = v * 8 + (c - '0');
    }
    return v;
  }

  private static String cstring(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static Map<String, String> parsePax(byte[] data) {
    Map<String, String> out = new HashMap<>();
    int pos = 0;
    while (pos < data.length) {
      int sp = pos;
      while (sp < data.length && data[sp] != ' ') {
        sp++;
      }
      int len = Integer.parseInt(new String(data, pos, sp - pos, StandardCharsets.US_ASCII));
      if (len <= 0 || pos + len > data.length) {
        throw new OstreeException("malformed PAX header");
      }
      int eq = sp + 1;
      while (eq < pos + len && data[eq] != '=') {
        eq++;
      }
      String key = new String(data, sp + 1, eq - sp - 1, StandardCharsets.UTF_8);
      // xattr values are binary; keep bytes 1:1 in ISO-8859-1, other values are UTF-8
      String value =
          key.startsWith("SCHILY.xattr.")
              ? new String(data, eq + 1, pos + len - eq - 2, StandardCharsets.ISO_8859_1)
              : new String(data, eq + 1, pos + len - eq - 2, StandardCharsets.UTF_8);
      out.put(key, value);
      pos += len;
    }
    return out;
  }
}
