package dev.treewave.testing.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 side of {@link WithControlPlane}: one {@link ControlPlane} per test class, injected into
 * parameters and fields, closed after the class; on any failure the component log paths are printed
 * so the failure can be diagnosed.
 */
public final class ControlPlaneExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        TestInstancePostProcessor,
        ParameterResolver,
        TestWatcher,
        LifecycleMethodExecutionExceptionHandler {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ControlPlaneExtension.class);
  private static final String KEY = "controlPlane";

  @Override
  public void beforeAll(ExtensionContext context) throws IllegalAccessException {
    ControlPlane plane = find(context);
    if (plane == null) {
      WithControlPlane settings =
          AnnotationSupport.findAnnotation(context.getRequiredTestClass(), WithControlPlane.class)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "use @WithControlPlane on " + context.getRequiredTestClass()));
      ControlPlaneOptions options =
          ControlPlaneOptions.apiServerOnly()
              .withControllerManager(settings.controllerManager())
              .withScheduler(settings.scheduler())
              .withKwok(settings.kwok())
              .withStartupTimeout(Duration.ofSeconds(settings.startupTimeoutSeconds()))
              .withExtraApiServerFlags(settings.apiServerFlags())
              .withName(context.getRequiredTestClass().getSimpleName());
      plane = ControlPlane.start(options);
      context.getStore(NAMESPACE).put(KEY, plane);
      System.out.printf(
          "treewave: control plane for %s started in %d ms (%s; %s); logs in %s%n",
          context.getRequiredTestClass().getSimpleName(),
          plane.startupTime().toMillis(),
          describe(options),
          plane.startupPhases(),
          plane.logDir());
    }
    injectFields(context.getRequiredTestClass(), null, plane);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    // remove() only sees this class's own store: nested classes never stop the outer plane.
    ControlPlane plane = context.getStore(NAMESPACE).remove(KEY, ControlPlane.class);
    if (plane != null) {
      plane.close();
    }
  }

  @Override
  public void postProcessTestInstance(Object testInstance, ExtensionContext context)
      throws IllegalAccessException {
    ControlPlane plane = find(context);
    if (plane != null) {
      injectFields(testInstance.getClass(), testInstance, plane);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == ControlPlane.class || type == KubernetesClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ControlPlane plane = find(context);
    if (plane == null) {
      throw new IllegalStateException("no control plane running for " + context.getDisplayName());
    }
    return parameter.getParameter().getType() == ControlPlane.class ? plane : plane.client();
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    printLogs(context);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable cause)
      throws Throwable {
    printLogs(context);
    throw cause;
  }

  @Override
  public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable cause)
      throws Throwable {
    printLogs(context);
    throw cause;
  }

  private static void printLogs(ExtensionContext context) {
    ControlPlane plane = find(context);
    if (plane != null) {
      System.err.println(
          "treewave: " + context.getDisplayName() + " failed; " + plane.describeLogs());
    }
  }

  private static ControlPlane find(ExtensionContext context) {
    // Stores are hierarchical: a nested class or a test method sees its class's plane.
    return context.getStore(NAMESPACE).get(KEY, ControlPlane.class);
  }

  private static void injectFields(Class<?> type, Object instance, ControlPlane plane)
      throws IllegalAccessException {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        boolean isStatic = Modifier.isStatic(field.getModifiers());
        if (field.getType() != ControlPlane.class
            || Modifier.isFinal(field.getModifiers())
            || isStatic != (instance == null)) {
          continue;
        }
        field.setAccessible(true);
        field.set(instance, plane);
      }
    }
  }

  private static String describe(ControlPlaneOptions options) {
    StringBuilder out = new StringBuilder("etcd, kube-apiserver");
    if (options.controllerManager()) {
      out.append(", kube-controller-manager");
    }
    if (options.scheduler()) {
      out.append(", kube-scheduler");
    }
    if (options.kwok()) {
      out.append(", kwok");
    }
    return out.toString();
  }
}
