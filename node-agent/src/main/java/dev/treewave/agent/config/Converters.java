package dev.treewave.agent.config;

import dev.treewave.api.v1alpha1.Durations;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The agent's value grammars, shared with the operator: durations through the project's one parser
 * ({@link Durations}), sizes as Kubernetes quantities. picocli prefixes each message with the
 * option's name.
 */
final class Converters {
  private Converters() {}

  /** 500ms, 30s, 5m, 1h30m: the operator's spec grammar. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      try {
        return Durations.parse(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "must be a duration like 500ms, 30s, 5m or 1h30m, got '" + text + "'");
      }
    }
  }

  /** A byte count as Kubernetes users write one (512Mi, 2Gi, 1G, 1000000). */
  static final class QuantityConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String text) {
      BigDecimal bytes;
      try {
        bytes = Quantity.getAmountInBytes(new Quantity(text));
      } catch (RuntimeException e) {
        bytes = null;
      }
      if (bytes == null || bytes.signum() < 0 || bytes.stripTrailingZeros().scale() > 0) {
        throw new TypeConversionException(
            "must be a quantity like 512Mi or 2Gi, got '" + text + "'");
      }
      try {
        return bytes.longValueExact();
      } catch (ArithmeticException e) {
        throw new TypeConversionException("is too large: '" + text + "'");
      }
    }
  }

  /** systemd, command or none, in any case. */
  static final class RebootStrategyConverter implements ITypeConverter<RebootStrategy> {
    @Override
    public RebootStrategy convert(String text) {
      try {
        return RebootStrategy.valueOf(text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("must be systemd, command or none, got '" + text + "'");
      }
    }
  }
}
