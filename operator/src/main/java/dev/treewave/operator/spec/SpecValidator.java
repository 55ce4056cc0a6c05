package dev.treewave.operator.spec;

import dev.treewave.api.v1alpha1.DrainSpec;
import dev.treewave.api.v1alpha1.HealthSpec;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.KernelArguments;
import dev.treewave.api.v1alpha1.KeyReference;
import dev.treewave.api.v1alpha1.MaintenanceWindow;
import dev.treewave.api.v1alpha1.OSImageSpec;
import dev.treewave.api.v1alpha1.ObjectKeyReference;
import dev.treewave.api.v1alpha1.Patterns;
import dev.treewave.api.v1alpha1.Rollout;
import dev.treewave.api.v1alpha1.StuckNodePolicy;
import dev.treewave.api.v1alpha1.Wave;
import dev.treewave.api.v1alpha1.Weekday;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks an OSImage spec before anything is planned, so a spec that cannot be carried out stops the
 * rollout ({@code Stalled=True}, reason {@code InvalidSpec}) before any node is touched.
 *
 * <p>Two kinds of check: what the CRD cannot express (IANA time zones), and, defensively, the same
 * limits and grammar the CRD enforces, for specs stored before the CRD was tightened or written
 * past it. Each problem names its field; values are quoted shortened, so a hostile spec cannot blow
 * up the status it is reported in. The limits come from {@link Patterns}, shared with the CRD.
 */
public final class SpecValidator {
  /** Problems reported at once; the rest are left for the next round. */
  static final int MAX_PROBLEMS = 8;

  private static final Pattern OS_NAME = Pattern.compile(Patterns.OS_NAME);
  private static final Pattern REF = Pattern.compile(Patterns.REF);
  private static final Pattern COMMIT = Pattern.compile(Patterns.COMMIT);
  private static final Pattern KERNEL_ARGUMENT = Pattern.compile(Patterns.KERNEL_ARGUMENT);
  private static final Pattern LABEL_KEY = Pattern.compile(Patterns.LABEL_KEY);
  private static final Pattern LABEL_VALUE = Pattern.compile(Patterns.LABEL_VALUE);
  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");
  private static final Pattern DATA_KEY = Pattern.compile("^[-._a-zA-Z0-9]+$");
  private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");
  private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();

  private final List<String> problems = new ArrayList<>();

  private SpecValidator() {}

  /** Throws {@link InvalidSpecException} naming every problem found (up to a few). */
  public static void validate(OSImageSpec spec) {
    if (spec == null) {
      throw new InvalidSpecException("spec is missing");
    }
    SpecValidator v = new SpecValidator();
    v.check(spec);
    if (!v.problems.isEmpty()) {
      throw new InvalidSpecException(String.join("; ", v.problems));
    }
  }

  private void check(OSImageSpec spec) {
    matches("spec.osName", spec.osName(), 63, OS_NAME, "a stateroot name");
    source(spec.source());
    verification(spec);
    selector("spec.nodeSelector", spec.nodeSelector());
    rollout(spec.rollout());
    drain(spec.drain());
    health(spec.health());
    if (spec.failurePolicy() != null && spec.failurePolicy().maxFailedNodes() != null) {
      int max = spec.failurePolicy().maxFailedNodes();
      if (max < 0 || max > Patterns.MAX_NODES) {
        problem("spec.failurePolicy.maxFailedNodes: must be from 0 to " + Patterns.MAX_NODES);
      }
    }
    windows(spec.maintenanceWindows());
    kernelArguments(spec.kernelArguments());
    stuckNodes(spec.stuckNodes());
  }

  private void source(ImageSource source) {
    if (source == null) {
      problem("spec.source: required");
      return;
    }
    url("spec.source.url", source.url());
    matches("spec.source.ref", source.ref(), Patterns.REF_MAX_LENGTH, REF, "an OSTree ref");
    if (source.commit() != null) {
      matches("spec.source.commit", source.commit(), 64, COMMIT, "64 lower-case hex digits");
    }
  }

  private void url(String field, String url) {
    if (!present(field, url) || !shortEnough(field, url, Patterns.URL_MAX_LENGTH)) {
      return;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      problem(field + ": " + quote(url) + " is not a URL");
      return;
    }
    String authority = uri.getRawAuthority();
    if (authority != null && authority.contains("@")) {
      // The value itself is not quoted: it holds the credentials.
      problem(
          field
              + ": must not contain credentials (user:password@): anyone who can read OSImages"
              + " would read them; keep credentials in a Secret, never in the spec");
    } else if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || authority == null
        || authority.isEmpty()) {
      problem(
          field + ": " + quote(url) + " must be an absolute http:// or https:// URL with a host");
    }
  }

  private void verification(OSImageSpec spec) {
    if (spec.verification() == null) {
      problem("spec.verification: required");
      return;
    }
    List<KeyReference> keys = spec.verification().keysOrEmpty();
    if (!fewEnough("spec.verification.keys", keys, 16)) {
      return;
    }
    for (int i = 0; i < keys.size(); i++) {
      KeyReference key = keys.get(i);
      String field = "spec.verification.keys[" + i + "]";
      if (key == null) {
        problem(field + ": must name a secretRef or a configMapRef");
        continue;
      }
      objectKey(field + ".secretRef", key.secretRef());
      objectKey(field + ".configMapRef", key.configMapRef());
    }
  }

  private void objectKey(String field, ObjectKeyReference ref) {
    if (ref == null) {
      return;
    }
    matches(field + ".namespace", ref.namespace(), 63, DNS_LABEL, "a namespace name");
    matches(field + ".name", ref.name(), Patterns.NAME_MAX_LENGTH, DNS_SUBDOMAIN, "an object name");
    matches(field + ".key", ref.key(), Patterns.NAME_MAX_LENGTH, DATA_KEY, "a data key");
  }

  private void rollout(Rollout rollout) {
    if (rollout == null) {
      return;
    }
    count("spec.rollout.maxUnavailable", rollout.maxUnavailable());
    count("spec.rollout.maxConcurrentStaging", rollout.maxConcurrentStaging());
    wave("spec.rollout.canary", rollout.canary());
    if (rollout.waves() != null && fewEnough("spec.rollout.waves", rollout.waves(), 16)) {
      for (int i = 0; i < rollout.waves().size(); i++) {
        wave("spec.rollout.waves[" + i + "]", rollout.waves().get(i));
      }
    }
  }

  private void wave(String field, Wave wave) {
    if (wave == null) {
      return;
    }
    count(field + ".nodes", wave.nodes());
    count(field + ".maxUnavailable", wave.maxUnavailable());
    if (wave.pauseAfter() != null && wave.pauseAfter().duration() != null) {
      within(
          field + ".pauseAfter.duration",
          wave.pauseAfter().duration(),
          Duration.ofSeconds(1),
          Duration.ofDays(30),
          "from 1s to 720h (30 days); for longer, use untilResumed: true");
    }
  }

  /** A count from 1 to {@link Patterns#MAX_NODES}, or a percentage from 1% to 100%. */
  private void count(String field, IntOrString value) {
    if (value == null) {
      return;
    }
    String message =
        field + ": must be a node count from 1 to " + Patterns.MAX_NODES + " or a percentage";
    if (value.getIntVal() != null) {
      if (value.getIntVal() < 1 || value.getIntVal() > Patterns.MAX_NODES) {
        problem(message + ", not " + value.getIntVal());
      }
      return;
    }
    String text = value.getStrVal();
    if (text == null || text.length() > 4 || !text.matches("^([1-9][0-9]?|100)%$")) {
      problem(message + " from 1% to 100%, not " + quote(text));
    }
  }

  private void drain(DrainSpec drain) {
    if (drain == null) {
      return;
    }
    within(
        "spec.drain.timeout",
        drain.timeoutOrDefault(),
        Duration.ofSeconds(1),
        Duration.ofHours(24),
        "from 1s to 24h: a drain that takes longer is stuck, not slow");
    if (drain.gracePeriodSeconds() != null
        && (drain.gracePeriodSeconds() < 0 || drain.gracePeriodSeconds() > 86400)) {
      problem("spec.drain.gracePeriodSeconds: must be from 0 to 86400");
    }
    selectors("spec.drain.skipPodSelectors", drain.skipPodSelectors());
  }

  private void health(HealthSpec health) {
    if (health == null) {
      return;
    }
    Duration timeout =
        within(
            "spec.health.timeout",
            health.timeoutOrDefault(),
            Duration.ofSeconds(1),
            Duration.ofHours(24),
            "from 1s to 24h");
    Duration stable =
        within(
            "spec.health.stablePeriod",
            health.stablePeriodOrDefault(),
            Duration.ZERO,
            Duration.ofHours(24),
            "from 0s to 24h");
    if (timeout != null && stable != null && stable.compareTo(timeout) >= 0) {
      problem(
          "spec.health.stablePeriod: must be shorter than timeout, or no node could pass the"
              + " health gate");
    }
    selectors("spec.health.podSelectors", health.podSelectors());
    // Written before the CRD required it: without namespaces a selector would match any tenant's
    // look-alike pods, so such a spec is refused rather than read as "every namespace".
    if (!health.podSelectorsOrEmpty().isEmpty() && health.namespacesOrEmpty().isEmpty()) {
      problem(
          "spec.health.namespaces: required with podSelectors (the namespaces whose pods the"
              + " health gate may look at)");
    }
    List<String> namespaces = health.namespacesOrEmpty();
    for (int i = 0; i < namespaces.size(); i++) {
      String n = namespaces.get(i);
      if (n == null || n.length() > 63 || !DNS_LABEL.matcher(n).matches()) {
        problem("spec.health.namespaces[" + i + "]: " + quote(n) + " is not a namespace name");
      }
    }
  }

  private void stuckNodes(StuckNodePolicy stuck) {
    if (stuck == null) {
      return;
    }
    within(
        "spec.stuckNodes.stageTimeout",
        stuck.stageTimeoutOrDefault(),
        Duration.ofSeconds(1),
        Duration.ofDays(7),
        "from 1s to 168h (a week)");
    within(
        "spec.stuckNodes.agentSilenceTimeout",
        stuck.agentSilenceTimeoutOrDefault(),
        Duration.ofSeconds(1),
        Duration.ofHours(24),
        "from 1s to 24h");
  }

  private void windows(List<MaintenanceWindow> windows) {
    if (windows == null || !fewEnough("spec.maintenanceWindows", windows, 32)) {
      return;
    }
    for (int i = 0; i < windows.size(); i++) {
      MaintenanceWindow w = windows.get(i);
      String field = "spec.maintenanceWindows[" + i + "]";
      if (w == null) {
        problem(field + ": must not be empty");
        continue;
      }
      if (w.days() == null || w.days().isEmpty()) {
        problem(field + ".days: must name at least one day");
      } else if (fewEnough(field + ".days", w.days(), 7)
          && new HashSet<Weekday>(w.days()).size() != w.days().size()) {
        problem(field + ".days: must name each day at most once");
      }
      if (present(field + ".start", w.start()) && !w.start().matches(Patterns.TIME_OF_DAY)) {
        problem(field + ".start: " + quote(w.start()) + " is not a time of day like 02:00");
      }
      within(
          field + ".duration",
          w.duration(),
          Duration.ofMinutes(1),
          Duration.ofDays(7),
          "from 1m to 168h (the week the window repeats in)");
      String zone = w.timeZoneOrDefault();
      if (zone.length() > 64 || !ZONES.contains(zone)) {
        problem(
            field
                + ".timeZone: "
                + quote(zone)
                + " is not an IANA time zone (such as UTC, Europe/Berlin or America/New_York)");
      }
    }
  }

  private void kernelArguments(KernelArguments args) {
    if (args == null) {
      return;
    }
    kernelArgumentList("spec.kernelArguments.add", args.add());
    kernelArgumentList("spec.kernelArguments.remove", args.remove());
  }

  private void kernelArgumentList(String field, List<String> list) {
    if (list == null || !fewEnough(field, list, Patterns.KERNEL_ARGUMENTS_MAX_ITEMS)) {
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      String arg = list.get(i);
      String at = field + "[" + i + "]";
      if (present(at, arg)
          && shortEnough(at, arg, Patterns.KERNEL_ARGUMENT_MAX_LENGTH)
          && !KERNEL_ARGUMENT.matcher(arg).matches()) {
        problem(
            at
                + ": "
                + quote(arg)
                + " must be one word (key or key=value): no spaces, tabs, newlines or other"
                + " control characters");
      }
    }
  }

  private void selectors(String field, List<LabelSelector> selectors) {
    if (selectors == null || !fewEnough(field, selectors, 16)) {
      return;
    }
    for (int i = 0; i < selectors.size(); i++) {
      selector(field + "[" + i + "]", selectors.get(i));
    }
  }

  private void selector(String field, LabelSelector selector) {
    if (selector == null) {
      return;
    }
    Map<String, String> labels = selector.getMatchLabels();
    if (labels != null && labels.size() > 64) {
      problem(field + ".matchLabels: at most 64 labels, not " + labels.size());
    } else if (labels != null) {
      for (Map.Entry<String, String> e : labels.entrySet()) {
        labelKey(field + ".matchLabels", e.getKey());
        labelValue(field + ".matchLabels[" + quote(e.getKey()) + "]", e.getValue());
      }
    }
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    if (expressions == null || !fewEnough(field + ".matchExpressions", expressions, 16)) {
      return;
    }
    for (int i = 0; i < expressions.size(); i++) {
      LabelSelectorRequirement r = expressions.get(i);
      String at = field + ".matchExpressions[" + i + "]";
      labelKey(at + ".key", r.getKey());
      List<String> values = r.getValues() != null ? r.getValues() : List.of();
      if (r.getOperator() == null || !OPERATORS.contains(r.getOperator())) {
        problem(
            at
                + ".operator: "
                + quote(r.getOperator())
                + " is not one of In, NotIn, Exists, DoesNotExist");
      } else if (Set.of("In", "NotIn").contains(r.getOperator()) == values.isEmpty()) {
        problem(
            at
                + ".values: must be non-empty for In and NotIn, and empty for Exists and"
                + " DoesNotExist");
      }
      if (fewEnough(at + ".values", values, 64)) {
        for (int j = 0; j < values.size(); j++) {
          labelValue(at + ".values[" + j + "]", values.get(j));
        }
      }
    }
  }

  private void labelKey(String field, String key) {
    if (key == null
        || key.length() > Patterns.LABEL_KEY_MAX_LENGTH
        || !LABEL_KEY.matcher(key).matches()) {
      problem(
          field
              + ": "
              + quote(key)
              + " is not a label key (an optional DNS subdomain and '/', then at most 63"
              + " letters, digits, '-', '_' or '.', starting and ending with a letter or digit)");
    }
  }

  private void labelValue(String field, String value) {
    if (value == null
        || value.length() > Patterns.LABEL_VALUE_MAX_LENGTH
        || !LABEL_VALUE.matcher(value).matches()) {
      problem(field + ": " + quote(value) + " is not a label value (at most 63 characters)");
    }
  }

  /** Parses and range-checks a duration; null when it is not one (the problem is recorded). */
  private Duration within(String field, String text, Duration min, Duration max, String range) {
    if (!present(field, text) || !shortEnough(field, text, Patterns.DURATION_MAX_LENGTH)) {
      return null;
    }
    Duration d;
    try {
      d = GoDuration.parse(field, text);
    } catch (InvalidSpecException e) {
      problem(e.getMessage());
      return null;
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      problem(field + ": " + quote(text) + " must be " + range);
      return null;
    }
    return d;
  }

  private void matches(String field, String text, int maxLength, Pattern pattern, String what) {
    if (present(field, text)
        && shortEnough(field, text, maxLength)
        && !pattern.matcher(text).matches()) {
      problem(field + ": " + quote(text) + " is not " + what);
    }
  }

  private boolean present(String field, String text) {
    if (text == null) {
      problem(field + ": required");
      return false;
    }
    return true;
  }

  private boolean shortEnough(String field, String text, int maxLength) {
    if (text.length() > maxLength) {
      problem(field + ": " + text.length() + " characters, at most " + maxLength + " allowed");
      return false;
    }
    return true;
  }

  private boolean fewEnough(String field, List<?> list, int maxItems) {
    if (list.size() > maxItems) {
      problem(field + ": " + list.size() + " items, at most " + maxItems + " allowed");
      return false;
    }
    return true;
  }

  private void problem(String message) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(message);
    }
  }

  /** The value in quotes, control characters escaped and cut short: it may be hostile. */
  static String quote(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    int limit = Math.min(value.length(), 64);
    for (int i = 0; i < limit; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (value.length() > limit) {
      out.append("...");
    }
    return out.append('"').toString();
  }
}
