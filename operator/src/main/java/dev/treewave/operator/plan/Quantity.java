package dev.treewave.operator.plan;

/** A node count or a percentage, as in {@code maxUnavailable: 2} or {@code nodes: "10%"}. */
public record Quantity(int value, boolean percent) {

  public Quantity {
    if (value < 1 || (percent && value > 100)) {
      throw new IllegalArgumentException(
          "must be a count of at least 1 or a percentage from 1% to 100%: "
              + value
              + (percent ? "%" : ""));
    }
  }

  public static Quantity count(int n) {
    return new Quantity(n, false);
  }

  public static Quantity percent(int p) {
    return new Quantity(p, true);
  }

  /** Parses "3" or "25%"; rejects anything else with a message a person can act on. */
  public static Quantity parse(String text) {
    String s = text.trim();
    try {
      if (s.endsWith("%")) {
        return percent(Integer.parseInt(s.substring(0, s.length() - 1)));
      }
      return count(Integer.parseInt(s));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a count or percentage: \"" + text + "\"", e);
    }
  }

  /** Wave sizes: percentages round up, so "10%" of 5 nodes is 1 node, never 0. */
  public int ofRoundedUp(int total) {
    return percent ? (int) Math.ceil(total * (value / 100.0)) : value;
  }

  /**
   * Disruption budgets: percentages round down (like Kubernetes' maxUnavailable), but never below
   * 1, or a small pool could never be updated.
   */
  public int ofRoundedDownAtLeastOne(int total) {
    return percent ? Math.max(1, (int) Math.floor(total * (value / 100.0))) : value;
  }

  @Override
  public String toString() {
    return value + (percent ? "%" : "");
  }
}
