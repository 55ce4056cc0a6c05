package dev.treewave.operator.kube;

/** Annotations the operator owns. They are its durable memory: a restart reads them back. */
public final class Annotations {
  /** On a Node: the OSImage that cordoned it. Only nodes carrying it are ever uncordoned. */
  public static final String CORDONED_BY = "treewave.dev/cordoned-by";

  /** On a Node: when our drain began (RFC 3339), for the drain timeout. */
  public static final String DRAIN_STARTED = "treewave.dev/drain-started";

  /** On an OSNode: "Kind commit", what happened to this node for that target commit. */
  public static final String OUTCOME = "treewave.dev/outcome";

  /** On an OSNode: why, in words. */
  public static final String OUTCOME_REASON = "treewave.dev/outcome-reason";

  public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

  private Annotations() {}
}
