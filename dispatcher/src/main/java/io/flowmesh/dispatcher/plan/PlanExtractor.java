package io.flowmesh.dispatcher.plan;

import io.flowmesh.api.dag.Pipeline;
import io.flowmesh.api.environment.JobExecutionResult;
import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.grpc.Status;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarFile;
import java.util.zip.ZipException;

/**
 * Runs a program's {@code main} to obtain its pipeline without executing it, as Flink's client does:
 * in a class loader of its own (the jar, with the dispatcher's classes — the Flowmesh API and the
 * bundled connectors — as parent), on a thread of its own with a capturing executor installed, which
 * records the pipeline at {@code execute()} and aborts {@code main} there.
 *
 * <p>The caller builds the JobGraph with the returned class loader still open (functions are
 * serialized then) and closes it afterwards.
 */
public final class PlanExtractor {

    /** What main produced: the pipeline, what it printed, and the loader its classes live in. */
    public record ExtractedPlan(Pipeline pipeline, String entryClass, String programOutput, URLClassLoader classLoader) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            classLoader.close();
        }
    }

    /** Thrown inside main at execute() to stop it once the pipeline is captured. An Error, so that programs' catch (Exception) blocks let it pass. */
    private static final class PlanCaptured extends Error {
        final Pipeline pipeline;

        PlanCaptured(Pipeline pipeline) {
            super("plan captured", null, false, false);
            this.pipeline = pipeline;
        }
    }

    private PlanExtractor() {}

    public static ExtractedPlan extract(Path jar, String jarName, String entryClass, List<String> args, Map<String, String> configuration,
            Duration timeout) throws PlanExtractionException {
        String mainClass = entryClass;
        try (JarFile jf = new JarFile(jar.toFile())) {
            if (mainClass == null || mainClass.isBlank()) {
                mainClass = jf.getManifest() == null ? null : jf.getManifest().getMainAttributes().getValue("Main-Class");
                if (mainClass == null || mainClass.isBlank()) {
                    throw new PlanExtractionException(Status.Code.INVALID_ARGUMENT,
                            "no entry class given (-c) and the manifest of " + jarName + " names no Main-Class", null);
                }
            }
        } catch (ZipException e) {
            throw new PlanExtractionException(Status.Code.INVALID_ARGUMENT, jarName + " is not a jar file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PlanExtractionException(Status.Code.INVALID_ARGUMENT, "cannot read " + jarName + ": " + e.getMessage(), e);
        }

        URLClassLoader loader;
        try {
            loader = new URLClassLoader("flowmesh-program-" + jarName, new URL[] {jar.toUri().toURL()}, PlanExtractor.class.getClassLoader());
        } catch (IOException e) {
            throw new PlanExtractionException(Status.Code.INTERNAL, "cannot open " + jarName + ": " + e.getMessage(), e);
        }
        boolean ok = false;
        try {
            Method main = mainMethod(loader, mainClass, jarName);
            ProgramOutput.install();
            String[] argv = args.toArray(String[]::new);
            CompletableFuture<Pipeline> result = new CompletableFuture<>();
            final String[] output = {""};
            final String cls = mainClass;
            Thread thread = new Thread(() -> {
                Thread self = Thread.currentThread();
                self.setContextClassLoader(loader);
                ProgramOutput.capture(self);
                StreamExecutionEnvironment.setContextExecutor(PlanExtractor::capture, configuration);
                try {
                    main.invoke(null, (Object) argv);
                    result.completeExceptionally(new PlanExtractionException(Status.Code.FAILED_PRECONDITION,
                            "the main method of " + cls + " returned without calling execute()", null));
                } catch (InvocationTargetException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof PlanCaptured pc) {
                        result.complete(pc.pipeline);
                    } else {
                        result.completeExceptionally(new PlanExtractionException(Status.Code.FAILED_PRECONDITION,
                                "the main method of " + cls + " threw " + cause, cause));
                    }
                } catch (Throwable t) {
                    result.completeExceptionally(new PlanExtractionException(Status.Code.INTERNAL, "cannot run the main method of " + cls + ": " + t, t));
                } finally {
                    StreamExecutionEnvironment.clearContextExecutor();
                    output[0] = ProgramOutput.release(self);
                }
            }, "flowmesh-plan-" + jarName);
            thread.setDaemon(true);
            thread.start();
            Pipeline pipeline;
            try {
                pipeline = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                thread.interrupt();
                throw new PlanExtractionException(Status.Code.DEADLINE_EXCEEDED,
                        "the main method of " + mainClass + " did not call execute() within " + timeout.toSeconds() + " s", null);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof PlanExtractionException p ? p
                        : new PlanExtractionException(Status.Code.INTERNAL, e.getCause().toString(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PlanExtractionException(Status.Code.CANCELLED, "interrupted", e);
            }
            thread.join(1000);
            ok = true;
            return new ExtractedPlan(pipeline, mainClass, output[0], loader);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlanExtractionException(Status.Code.CANCELLED, "interrupted", e);
        } finally {
            if (!ok) {
                try {
                    loader.close();
                } catch (IOException ignored) {
                    // nothing was loaded from it that needs it
                }
            }
        }
    }

    private static JobExecutionResult capture(Pipeline pipeline) {
        throw new PlanCaptured(pipeline);
    }

    private static Method mainMethod(ClassLoader loader, String className, String jarName) throws PlanExtractionException {
        Class<?> cls;
        try {
            cls = Class.forName(className, false, loader);
        } catch (ClassNotFoundException e) {
            throw new PlanExtractionException(Status.Code.NOT_FOUND, "entry class " + className + " not found in " + jarName, e);
        } catch (LinkageError e) {
            throw new PlanExtractionException(Status.Code.INVALID_ARGUMENT, "entry class " + className + " cannot be loaded: " + e, e);
        }
        try {
            Method m = cls.getMethod("main", String[].class);
            if (!Modifier.isStatic(m.getModifiers())) {
                throw new NoSuchMethodException();
            }
            return m;
        } catch (NoSuchMethodException e) {
            throw new PlanExtractionException(Status.Code.INVALID_ARGUMENT, "entry class " + className + " has no public static void main(String[])", e);
        }
    }
}
