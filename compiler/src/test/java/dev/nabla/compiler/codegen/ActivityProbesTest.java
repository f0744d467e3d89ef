package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.health.ActivityProbes;
import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.train.EpochHealth;
import dev.nabla.runtime.train.GradientHealth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The activity probes' kernels (a row-wise maximum over the batch, of the activation or of a max pool covering it)
 * against the reference interpreter, in both bytecode families, at awkward sizes (1, 15, 17 and 255 units or channels
 * and examples); which value a convolution's probe reads; and dead channels counted exactly on constructed cases,
 * including a channel positive only where a pool does not reach.
 */
class ActivityProbesTest {

    private static final int[] BATCHES = {1, 15, 17, 255};

    private static String dense(int units, String activation) {
        return """
                model Probe {
                    input x : f32[B, 5]
                    target y : i32[B] classes 3
                    h = dense(x, %d, activation = %s)
                    logits = dense(h, 3)
                    output probs = softmax(logits)
                    loss = cross_entropy(logits, y)
                }
                """.formatted(units, activation);
    }

    /** A side of 6 gives a 4x4 activation a 2x2 pool covers; 7, a 5x5 one whose last row and column it leaves. */
    private static String conv(int channels, int side, String activation) {
        return """
                model ConvProbe {
                    input image : f32[B, 2, %d, %d]
                    target y : i32[B] classes 3
                    c = conv2d(image, %d, 3, activation = %s)
                    p = max_pool2d(c, 2)
                    logits = dense(flatten(p), 3)
                    output probs = softmax(logits)
                    loss = cross_entropy(logits, y)
                }
                """.formatted(side, side, channels, activation);
    }

    @ParameterizedTest(name = "{0} units {1} vector={2}")
    @CsvSource({"1, relu, true", "1, relu, false", "15, leaky_relu, true", "15, leaky_relu, false",
            "17, relu, true", "17, relu, false", "255, elu, true", "255, elu, false"})
    void denseMaxima_equalTheInterpreter(int units, String activation, boolean vector) {
        checkMaxima(dense(units, activation), "h", "h", new int[] {units}, vector);
    }

    @ParameterizedTest(name = "{0} channels, side {1} vector={3}")
    @CsvSource({"1, 6, relu, true", "1, 7, relu, false", "15, 6, leaky_relu, false", "15, 7, leaky_relu, true",
            "17, 6, relu, true", "17, 7, relu, false", "255, 6, relu, false", "255, 7, relu, true"})
    void convolutionMaxima_equalTheInterpreter_readingTheCoveringPoolOrElseTheActivation(int channels, int side,
                                                                                         String activation, boolean vector) {
        boolean covered = side == 6;
        checkMaxima(conv(channels, side, activation), "c", covered ? "p" : "c",
                new int[] {channels, covered ? 4 : 25}, vector);
    }

    /** After one trainStep at each batch size, the probe buffer holds the batch maximum of {@code read} per position. */
    private static void checkMaxima(String source, String activation, String read, int[] shape, boolean vector) {
        ModelIr m = GradientHealthKernelsTest.model(source);
        CompiledModel compiled = Harness.load(GradientHealthKernelsTest.compile(m, OptimizerSpec.sgd(0.1, 0, 0), true), vector);
        ModelSpec spec = compiled.spec();
        int probe = spec.indexOf(GradientHealth.activeName(activation));
        BufferSpec buffer = spec.buffers().get(probe);
        assertArrayEquals(shape, buffer.shape(), "units, or channels by the positions read");
        Graph withGrads = Autodiff.gradients(m.train());
        for (int batch : BATCHES) {
            float[][] b = Harness.randomBuffers(spec, 255, batch);
            float[][] before = Harness.copy(b);
            compiled.trainStep(b, batch);
            Map<String, Tensor> ref = Interpreter.runAll(withGrads, batch, Harness.inputsOf(withGrads, spec, before, batch));
            float[] want = GradientHealthKernelsTest.batchMaxima(ref.get(read));
            assertArrayEquals(want, b[probe], 1e-5f, buffer.name() + " at batch " + batch);
            boolean[] active = activeUnits(ref.get(activation));
            for (int u = 0; u < active.length; u++) {
                int positions = shape.length == 1 ? 1 : shape[1];
                boolean seen = false;
                for (int p = u * positions; p < (u + 1) * positions; p++) {
                    seen |= b[probe][p] > 0;
                }
                assertEquals(active[u], seen, "unit " + u + " at batch " + batch);
            }
        }
    }

    /** Per unit (axis 1 of a rank-4 activation, else the last), whether any of its values is positive. */
    private static boolean[] activeUnits(Tensor t) {
        int[] s = t.shape();
        boolean channels = s.length == 4;
        int units = channels ? s[1] : s[s.length - 1];
        int inner = channels ? s[2] * s[3] : 1;
        boolean[] active = new boolean[units];
        for (int k = 0; k < t.size(); k++) {
            active[channels ? k / inner % units : k % units] |= t.at(k) > 0;
        }
        return active;
    }

    /**
     * Non-negative images; channel 0 has a positive kernel (active everywhere); channels 1 and 2 negative kernels and
     * bias (dead); channel 3 a kernel that only sees the image's bottom-right pixel, set on one example alone, so it
     * is positive at one position of one example: alive. On a 7x7 image that position (4, 4) of the 5x5 activation is
     * one the 2x2 pool never reads, which is why the probe then reads the activation itself.
     */
    @ParameterizedTest(name = "side {0} vector={1}")
    @CsvSource({"6, true", "6, false", "7, true", "7, false"})
    void deadChannels_exactly_evenWhenTheOnlyActivePositionIsOneThePoolSkips(int side, boolean vector) {
        ModelIr m = GradientHealthKernelsTest.model(conv(4, side, "relu"));
        CompiledModel compiled = Harness.load(GradientHealthKernelsTest.compile(m, OptimizerSpec.sgd(0, 0, 0), true), vector);
        ModelSpec spec = compiled.spec();
        int batch = 5;
        float[][] b = Harness.randomBuffers(spec, batch, 3);
        float[] w = b[spec.indexOf("c.W")];
        float[] bias = b[spec.indexOf("c.b")];
        for (int ch = 0; ch < 4; ch++) {
            for (int k = 0; k < 18; k++) {
                // k = in * 9 + ky * 3 + kx; channel 3 weighs only input channel 0's bottom-right tap
                w[ch * 18 + k] = ch == 0 ? 0.1f : ch < 3 ? -0.1f : k == 8 ? 1 : 0;
            }
            bias[ch] = ch == 0 ? 0.1f : ch < 3 ? -0.1f : -0.5f;
        }
        float[] image = b[spec.indexOf("image")];
        Arrays.fill(image, 0, batch * 2 * side * side, 0.3f);
        for (int e = 0; e < batch; e++) {
            image[e * 2 * side * side + side * side - 1] = e == 3 ? 1 : 0;
        }
        GradientHealth health = GradientHealth.of(spec);
        compiled.trainStep(b, batch);
        health.afterTrainStep(b);
        EpochHealth.Activity c = health.endEpoch().activations().get(0);
        assertEquals("c", c.name());
        assertEquals(4, c.units());
        assertEquals(2, c.dead(), "channels 1 and 2");
        compiled.trainStep(b, 3);
        health.afterTrainStep(b);
        assertEquals(3, health.endEpoch().activations().get(0).dead(), "examples 0-2 alone: channel 3 never fires");
    }

    @Test
    void covers_everyIndex_orNot() {
        assertTrue(ActivityProbes.covers(24, 12, 2, 2, 0, 1), "2x2 pooling of an even side");
        assertFalse(ActivityProbes.covers(5, 2, 2, 2, 0, 1), "the last index of an odd side");
        assertTrue(ActivityProbes.covers(7, 3, 3, 2, 0, 1), "overlapping windows");
        assertFalse(ActivityProbes.covers(9, 3, 2, 3, 0, 1), "a stride past the window leaves gaps");
        assertTrue(ActivityProbes.covers(5, 3, 2, 2, 1, 1), "padding moves the windows to reach the end");
        assertFalse(ActivityProbes.covers(6, 2, 2, 2, 0, 2), "dilated taps skip indices");
    }

    /**
     * Health adds the probe kernels and changes nothing else in a sample's training step or prediction: the kernels
     * the two variants share are the same loops over the same buffers (a probe that changed fusion or memory planning
     * would show here), so what health costs per step is the probes' work, the update's sums and the trainer's
     * reading, and a difference beyond that is the measurement's (the JIT warming up more kernels, the buffers'
     * addresses, which the collector sets per JVM), not the shared kernels'.
     */
    @Test
    void healthAddsProbeKernelsAndLeavesEveryOtherTrainingKernelOfTheSamplesAsItWas() throws java.io.IOException {
        java.util.List<java.nio.file.Path> files;
        try (var list = java.nio.file.Files.list(java.nio.file.Path.of("../samples"))) {
            files = list.filter(f -> f.toString().endsWith(".nabla")).sorted().toList();
        }
        int probes = 0;
        for (java.nio.file.Path f : files) {
            for (ModelIr m : dev.nabla.compiler.Compiler.compileFile(f).models()) {
                if (!m.trainable()) {
                    continue;
                }
                OptimizerSpec o = m.config().optimizer();
                ModelClasses off = ModelCompiler.compile(m, o, java.util.Set.of(), EmitTarget.inProcess(m.name()));
                ModelClasses on = ModelCompiler.compile(m, o, java.util.Set.of(), EmitTarget.inProcess(m.name()).withHealth(true));
                for (String entry : java.util.List.of("predict", "trainStep")) {
                    String shared = kernels(on, entry, false);
                    assertEquals(kernels(off, entry, true), shared, f + " " + m.name() + " " + entry + ": kernels besides the probes");
                    probes += kernels(on, entry, true).split("\n  kernel ", -1).length - shared.split("\n  kernel ", -1).length;
                }
                assertEquals(off.programs().stream().map(dev.nabla.compiler.lower.Program::entry).toList(),
                        on.programs().stream().map(dev.nabla.compiler.lower.Program::entry).toList(), f.toString());
            }
        }
        assertTrue(files.size() >= 12 && probes >= 10, files.size() + " samples, " + probes + " probe kernels");
    }

    /** The listing of one entry point's kernels, with or without those that write a HEALTH buffer. */
    private static String kernels(ModelClasses classes, String entry, boolean withProbes) {
        StringBuilder s = new StringBuilder();
        for (dev.nabla.compiler.lower.Program p : classes.programs()) {
            if (!p.entry().equals(entry)) {
                continue;
            }
            for (dev.nabla.compiler.lower.Kernel k : p.kernels()) {
                String listed = dev.nabla.compiler.lower.Listing.print(new dev.nabla.compiler.lower.Program(entry, java.util.List.of(k)));
                if (withProbes || !listed.contains(GradientHealth.ACTIVE_PREFIX)) {
                    s.append('\n').append(listed.substring(listed.indexOf('\n') + 1));
                }
            }
        }
        return s.toString();
    }
}
