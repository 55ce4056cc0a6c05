package dev.treewave.ostree.checkout;

/**
 * {@code ostree checkout} options. {@code userMode} ({@code -U}): no chown, no xattrs, setuid and
 * setgid bits dropped, hardlinks from bare-user repos. {@code subpath}: check out only this path of
 * the commit. {@code union}: overwrite existing files in the target. {@code requireHardlinks}: fail
 * rather than copy.
 */
public record CheckoutOptions(
    boolean userMode, String subpath, boolean union, boolean requireHardlinks) {
  public CheckoutOptions {
    subpath = subpath == null || subpath.isEmpty() ? "/" : subpath;
  }

  public static CheckoutOptions defaults() {
    return new CheckoutOptions(false, "/", false, false);
  }

  public static CheckoutOptions user() {
    return new CheckoutOptions(true, "/", false, false);
  }

  public CheckoutOptions withSubpath(String p) {
    return new CheckoutOptions(userMode, p, union, requireHardlinks);
  }

  public CheckoutOptions withUnion(boolean u) {
    return new CheckoutOptions(userMode, subpath, u, requireHardlinks);
  }

  public CheckoutOptions withRequireHardlinks(boolean r) {
    return new CheckoutOptions(userMode, subpath, union, r);
  }
}
