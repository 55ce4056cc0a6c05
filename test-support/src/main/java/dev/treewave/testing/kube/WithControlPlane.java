package dev.treewave.testing.kube;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the annotated test class its own real control plane ({@link ControlPlane}), started before
 * the first test and stopped after the last one, also when tests fail.
 *
 * <p>Tests get it as a parameter ({@code ControlPlane} or the admin {@code KubernetesClient}) of
 * test, lifecycle or constructor methods, or in a (static or instance) field of type {@code
 * ControlPlane}. Nested classes share the outer class's plane.
 *
 * <pre>{@code
 * @WithControlPlane(controllerManager = true, scheduler = true, kwok = true)
 * class DrainIT {
 *   static ControlPlane plane;
 *
 *   @Test
 *   void evicts(KubernetesClient client) { ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(ControlPlaneExtension.class)
public @interface WithControlPlane {

  /** Start kube-controller-manager (PDB status, GC, ServiceAccounts, workload controllers). */
  boolean controllerManager() default false;

  /** Start kube-scheduler. */
  boolean scheduler() default false;

  /** Start kwok (fake kubelets for Nodes annotated kwok.x-k8s.io/node=fake). */
  boolean kwok() default false;

  /** How long each component may take to become ready. */
  int startupTimeoutSeconds() default 180;

  /** Extra kube-apiserver flags, e.g. {@code "--feature-gates=..."}. */
  String[] apiServerFlags() default {};
}
