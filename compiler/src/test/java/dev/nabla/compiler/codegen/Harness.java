package dev.nabla.compiler.codegen;

import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.kernels.Gemm;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Loads compiled models with the Vector API on or off, fills buffers, compares against the reference Interpreter. */
final class Harness {

    private Harness() {
    }

    /** Loads with {@code nabla.vector} set for the class initializer, and checks which family it chose. */
    static CompiledModel load(ModelClasses mc, boolean vector) {
        String old = System.getProperty("nabla.vector");
        System.setProperty("nabla.vector", Boolean.toString(vector));
        try {
            CompiledModel m = mc.load();
            assertEquals(vector, m.getClass().getField("VECTOR").getBoolean(null), "family chosen at load time");
            return m;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        } finally {
            if (old == null) {
                System.clearProperty("nabla.vector");
            } else {
                System.setProperty("nabla.vector", old);
            }
        }
    }

    /**
     * Random PARAM/INPUT/TARGET/STATE contents (parameters scaled by 1/sqrt(fan-in) as real inits are; state
     * non-negative); class labels in range.
     */
    static float[][] randomBuffers(ModelSpec spec, int maxBatch, long seed) {
        Random r = new Random(seed);
        float[][] b = spec.allocate(maxBatch);
        for (int i = 0; i < b.length; i++) {
            BufferSpec s = spec.buffers().get(i);
            if (s.role() == BufferRole.PARAM || s.role() == BufferRole.INPUT || s.role() == BufferRole.STATE
                    || s.role() == BufferRole.TARGET) {
                double std = s.role() == BufferRole.PARAM && s.rank() >= 2 ? 1 / Math.sqrt(s.shape()[0]) : 0.8;
                for (int k = 0; k < b[i].length; k++) {
                    b[i][k] = s.classes() > 0 ? r.nextInt(s.classes()) : (float) (r.nextGaussian() * std);
                    // state such as a running variance is non-negative; a negative one would only test NaN handling
                    b[i][k] = s.role() == BufferRole.STATE ? Math.abs(b[i][k]) : b[i][k];
                }
            }
        }
        return b;
    }

    /** A deep copy: the buffers before a call that updates some in place. */
    static float[][] copy(float[][] b) {
        float[][] c = new float[b.length][];
        for (int i = 0; i < b.length; i++) {
            c[i] = b[i].clone();
        }
        return c;
    }

    static Map<String, Tensor> inputsOf(Graph g, ModelSpec spec, float[][] b, int batch) {
        Map<String, Tensor> in = new HashMap<>();
        for (Graph.Input i : g.inputs()) {
            int idx = spec.indexOf(i.value().name());
            int n = (int) i.value().shape().numel(batch);
            double[] d = new double[n];
            for (int k = 0; k < n; k++) {
                d[k] = b[idx][k];
            }
            in.put(i.value().name(), new Tensor(i.value().shape().concrete(batch), d));
        }
        return in;
    }

    /** Every output of {@code g} in the buffers equals the reference within {@code atol + rtol * max|ref|}. */
    static void assertOutputsMatch(Graph g, ModelSpec spec, float[][] b, int batch, double atol, double rtol) {
        assertOutputsMatch(g, spec, b, b, batch, atol, rtol);
    }

    /** As above, with the inputs taken from {@code in} (the buffers before a call that updates STATE in place). */
    static void assertOutputsMatch(Graph g, ModelSpec spec, float[][] in, float[][] b, int batch, double atol, double rtol) {
        assertOutputsMatch(g, spec, in, b, batch, atol, rtol, 0);
    }

    /**
     * Every output element within {@code atol + rtolOfMax * max|ref| + rtolOfEntry * |ref[k]|}: with a small
     * {@code rtolOfMax} (float rounding of sums that cancel) a wrong small entry fails as a wrong large one does.
     */
    static void assertEachOutputMatches(Graph g, ModelSpec spec, float[][] b, int batch, double atol, double rtolOfMax,
                                        double rtolOfEntry) {
        assertOutputsMatch(g, spec, b, b, batch, atol, rtolOfMax, rtolOfEntry);
    }

    private static void assertOutputsMatch(Graph g, ModelSpec spec, float[][] in, float[][] b, int batch, double atol,
                                           double rtol, double rtolOfEntry) {
        Map<String, Tensor> ref = Interpreter.runAll(g, batch, inputsOf(g, spec, in, batch));
        for (Graph.Output o : g.outputs()) {
            String buf = o.role() == Graph.OutputRole.GRAD ? "grad:" + o.name() : o.name();
            double[] want = ref.get(o.value().name()).data();
            float[] got = b[spec.indexOf(buf)];
            double scale = 0;
            for (double w : want) {
                if (Double.isFinite(w)) {
                    scale = Math.max(scale, Math.abs(w));
                }
            }
            for (int k = 0; k < want.length; k++) {
                double tol = atol + rtol * scale + rtolOfEntry * Math.abs(want[k]);
                if (!(Math.abs(got[k] - want[k]) <= tol) && !(Double.isNaN(want[k]) && Float.isNaN(got[k]))
                        && !(Double.isInfinite(want[k]) && got[k] == want[k])) {
                    fail(g.name() + " output " + buf + "[" + k + "] = " + got[k] + ", reference " + want[k]
                            + " (tolerance " + tol + ")");
                }
            }
        }
    }

    /**
     * Every output element of {@code g} in the buffers within {@code atol + rtol * |ref[k]|} of the interpreter's value
     * computed from {@code in}: a tolerance of the element itself, never of the tensor's largest entry, so a wrong small
     * entry beside large ones fails. Returns the number of elements compared.
     */
    static long assertEveryElementMatches(Graph g, ModelSpec spec, float[][] in, float[][] b, int batch, double atol,
                                          double rtol) {
        Map<String, Tensor> ref = Interpreter.runAll(g, batch, inputsOf(g, spec, in, batch));
        long compared = 0;
        for (Graph.Output o : g.outputs()) {
            String buf = o.role() == Graph.OutputRole.GRAD ? "grad:" + o.name() : o.name();
            double[] want = ref.get(o.value().name()).data();
            float[] got = b[spec.indexOf(buf)];
            for (int k = 0; k < want.length; k++) {
                double tol = atol + rtol * Math.abs(want[k]);
                boolean sameNonFinite = Double.isNaN(want[k]) && Float.isNaN(got[k])
                        || Double.isInfinite(want[k]) && got[k] == want[k];
                if (!(Math.abs(got[k] - want[k]) <= tol) && !sameNonFinite) {
                    fail(g.name() + " output " + buf + "[" + k + "] = " + got[k] + ", reference " + want[k]
                            + " (tolerance " + tol + ")");
                }
            }
            compared += want.length;
        }
        return compared;
    }

    /** Every generated class passes ASM's CheckClassAdapter with data-flow verification. */
    /**
     * Predicts {@code one} on one thread and checks the outputs against the interpreter's for {@code g} (absolute and
     * relative tolerance {@code tol}); then predicts a copy of {@code one}'s starting state three times on two threads:
     * every buffer must hold the same floats. The thread count is restored.
     */
    static void assertPredictMatchesOnOneAndTwoThreads(Graph g, CompiledModel m, float[][] one, int batch, double tol) {
        int saved = Gemm.threads();
        try {
            float[][] two = copy(one);
            Gemm.setThreads(1);
            m.predict(one, batch);
            assertOutputsMatch(g, m.spec(), one, batch, tol, tol);
            Gemm.setThreads(2);
            for (int call = 0; call < 3; call++) {
                m.predict(two, batch);
            }
            for (int i = 0; i < one.length; i++) {
                assertArrayEquals(one[i], two[i], "buffer " + m.spec().buffers().get(i).name());
            }
        } finally {
            Gemm.setThreads(saved);
        }
    }

    static void assertClassesVerify(ModelClasses mc) {
        ModelClassLoader loader = new ModelClassLoader(Harness.class.getClassLoader(), mc.classes());
        mc.classes().forEach((name, bytes) -> {
            StringWriter sw = new StringWriter();
            CheckClassAdapter.verify(new ClassReader(bytes), loader, false, new PrintWriter(sw));
            assertTrue(sw.toString().isEmpty(), name + ":\n" + sw);
        });
    }

    /**
     * Runs {@code main}'s main method in a fresh JVM on this test's class path, with {@code jvmOptions} before the
     * class name; asserts that it ends within {@code seconds} with exit code 0 and returns what it printed.
     */
    static String runInChildJvm(Class<?> main, int seconds, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
