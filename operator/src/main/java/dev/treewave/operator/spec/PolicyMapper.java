package dev.treewave.operator.spec;

import dev.treewave.api.v1alpha1.DrainTimeoutAction;
import dev.treewave.api.v1alpha1.FailureAction;
import dev.treewave.api.v1alpha1.HealthSpec;
import dev.treewave.api.v1alpha1.MaintenanceWindow;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImageSpec;
import dev.treewave.api.v1alpha1.Rollout;
import dev.treewave.api.v1alpha1.StuckNodeAction;
import dev.treewave.api.v1alpha1.Wave;
import dev.treewave.api.v1alpha1.Weekday;
import dev.treewave.operator.plan.MaintenanceWindows;
import dev.treewave.operator.plan.Quantity;
import dev.treewave.operator.plan.RolloutPolicy;
import dev.treewave.operator.plan.WaveRule;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns an OSImage spec into the planner's policy, applying the same defaults as the CRD. The
 * schema rejects most bad input; {@link SpecValidator} first checks what it cannot (time zones)
 * and, again, what it can (specs stored before the CRD was tightened), naming each field.
 */
public final class PolicyMapper {

  private PolicyMapper() {}

  public static RolloutPolicy toPolicy(OSImage image) {
    OSImageSpec spec = image.getSpec();
    SpecValidator.validate(spec);
    Rollout rollout = spec.rolloutOrDefault();
    HealthSpec health = spec.healthOrDefault();
    return new RolloutPolicy(
        waves(rollout),
        quantity("spec.rollout.maxUnavailable", rollout.maxUnavailableOrDefault()),
        rollout.prefetchOrDefault(),
        GoDuration.parse("spec.drain.timeout", spec.drainOrDefault().timeoutOrDefault()),
        spec.drainOrDefault().onTimeoutOrDefault() == DrainTimeoutAction.Force,
        GoDuration.parse("spec.health.timeout", health.timeoutOrDefault()),
        GoDuration.parse("spec.health.stablePeriod", health.stablePeriodOrDefault()),
        spec.failurePolicyOrDefault().actionOrDefault() == FailureAction.Rollback,
        spec.failurePolicyOrDefault().maxFailedNodesOrDefault(),
        spec.isPaused(),
        windows(spec.maintenanceWindowsOrEmpty()),
        resumedWave(image),
        GoDuration.parse(
            "spec.stuckNodes.stageTimeout", spec.stuckNodesOrDefault().stageTimeoutOrDefault()),
        GoDuration.parse(
            "spec.stuckNodes.agentSilenceTimeout",
            spec.stuckNodesOrDefault().agentSilenceTimeoutOrDefault()),
        spec.stuckNodesOrDefault().actionOrDefault() == StuckNodeAction.Skip,
        retry(image),
        rollout.maxConcurrentStaging() != null
            ? quantity("spec.rollout.maxConcurrentStaging", rollout.maxConcurrentStaging())
            : null,
        spec.isRollback(),
        // Not the spec's to grant: the operator's own setting, applied by RolloutService.
        false,
        abortReason(image));
  }

  /** The abort annotation's value (blank: "no reason given"), or null when absent. */
  static String abortReason(OSImage image) {
    Map<String, String> annotations = image.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(OSImage.ABORT_ANNOTATION);
    if (value == null) {
      return null;
    }
    String oneLine = value.strip().replaceAll("\\s+", " ");
    if (oneLine.isEmpty()) {
      return "no reason given";
    }
    return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
  }

  /** "all", or node names separated by commas or spaces; absent or blank: none. */
  static RolloutPolicy.Retry retry(OSImage image) {
    String value =
        image.getMetadata().getAnnotations() == null
            ? null
            : image.getMetadata().getAnnotations().get(OSImage.RETRY_ANNOTATION);
    if (value == null || value.isBlank()) {
      return RolloutPolicy.Retry.NONE;
    }
    Set<String> names = new LinkedHashSet<>();
    for (String name : value.trim().split("[,\\s]+")) {
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    if (names.contains("all")) {
      return new RolloutPolicy.Retry(true, Set.of());
    }
    return new RolloutPolicy.Retry(false, names);
  }

  private static List<WaveRule> waves(Rollout rollout) {
    if (rollout.waves() != null && !rollout.waves().isEmpty()) {
      List<WaveRule> rules = new ArrayList<>();
      for (int i = 0; i < rollout.waves().size(); i++) {
        rules.add(wave("spec.rollout.waves[" + i + "]", rollout.waves().get(i)));
      }
      return rules;
    }
    Wave canary = rollout.canary() != null ? rollout.canary() : Wave.of(1);
    return List.of(wave("spec.rollout.canary", canary));
  }

  private static WaveRule wave(String field, Wave wave) {
    Quantity nodes =
        wave.nodes() != null ? quantity(field + ".nodes", wave.nodes()) : Quantity.count(1);
    Quantity max =
        wave.maxUnavailable() != null
            ? quantity(field + ".maxUnavailable", wave.maxUnavailable())
            : null;
    WaveRule.PauseRule pause = null;
    if (wave.pauseAfter() != null) {
      pause =
          wave.pauseAfter().isUntilResumed()
              ? WaveRule.PauseRule.UNTIL_RESUMED
              : new WaveRule.PauseRule(
                  GoDuration.parse(field + ".pauseAfter.duration", wave.pauseAfter().duration()));
    }
    return new WaveRule(nodes, max, pause);
  }

  static Quantity quantity(String field, IntOrString value) {
    try {
      return value.getIntVal() != null
          ? Quantity.count(value.getIntVal())
          : Quantity.parse(value.getStrVal());
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException(field + ": " + e.getMessage());
    }
  }

  private static MaintenanceWindows windows(List<MaintenanceWindow> windows) {
    List<MaintenanceWindows.Window> parsed = new ArrayList<>();
    for (int i = 0; i < windows.size(); i++) {
      MaintenanceWindow w = windows.get(i);
      String field = "spec.maintenanceWindows[" + i + "]";
      try {
        parsed.add(
            new MaintenanceWindows.Window(
                w.days().stream().map(Weekday::toDayOfWeek).collect(Collectors.toSet()),
                LocalTime.parse(w.start()),
                GoDuration.parse(field + ".duration", w.duration()),
                ZoneId.of(w.timeZoneOrDefault())));
      } catch (DateTimeException | IllegalArgumentException | NullPointerException e) {
        throw new InvalidSpecException(field + ": " + e.getMessage());
      }
    }
    return new MaintenanceWindows(parsed);
  }

  private static int resumedWave(OSImage image) {
    String value =
        image.getMetadata().getAnnotations() == null
            ? null
            : image.getMetadata().getAnnotations().get(OSImage.RESUME_WAVE_ANNOTATION);
    if (value == null || value.isBlank()) {
      return -1;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new InvalidSpecException(
          "annotation "
              + OSImage.RESUME_WAVE_ANNOTATION
              + ": \""
              + value
              + "\" is not a wave index");
    }
  }
}
