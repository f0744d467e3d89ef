package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.FrozenPredictor;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.checkpoint.Checkpoint;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CompiledModel#freeze}: predictions with weights packed once equal the generated predict's to the bit, in both
 * kernel families, and a frozen predictor is a snapshot: a weight change (training step, checkpoint load, a write into
 * the buffers) reaches a predictor frozen after it and never one frozen before.
 */
class FrozenPredictorTest {

    @TempDir
    Path dir;

    /** W1 (784-256-128-10) at the batch sizes of W3 and the awkward ones: the packed panels and strips of every layer. */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void w1_frozenPredictionsEqualPredict_bitForBit(boolean vector) {
        ModelIr w1 = Compiler.compileFile(Path.of("../bench/w1.nabla")).model(null);
        CompiledModel m = Harness.load(ModelCompiler.compile(w1, w1.config().optimizer()), vector);
        float[][] b = Harness.randomBuffers(m.spec(), 255, 3);
        FrozenPredictor f = m.freeze(b);
        float[][] scratch = f.allocate(255);
        int input = m.spec().indexOf("image");
        System.arraycopy(b[input], 0, scratch[input], 0, b[input].length);
        for (int batch : new int[] {1, 15, 17, 128, 255}) {
            m.predict(b, batch);
            f.predict(scratch, batch);
            assertOutputsEqual(m.spec(), b, scratch, batch, "batch " + batch);
        }
        assertEquals(3, f.packedCount(), "each layer's W packed once, whatever the batch");
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void aTrainingStep_reachesAPredictorFrozenAfterIt_andNotOneFrozenBefore(boolean vector) {
        CompiledModel m = mlp(vector);
        float[][] b = Harness.randomBuffers(m.spec(), 24, 5);
        FrozenPredictor before = m.freeze(b);
        float[][] old = predictions(m, b);
        m.trainStep(b, 24);
        m.update(b, new float[] {0.5f, 1, 1});
        float[][] trained = predictions(m, b);
        assertFalse(Arrays.deepEquals(old, trained), "the step changed the predictions");
        assertPredicts(before, b, old);
        assertPredicts(m.freeze(b), b, trained);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void aCheckpointLoad_reachesAPredictorFrozenAfterIt(boolean vector) {
        CompiledModel m = mlp(vector);
        float[][] saved = Harness.randomBuffers(m.spec(), 24, 7);
        Path ckpt = dir.resolve("w.safetensors");
        Checkpoint.save(ckpt, m.spec(), saved, Map.of());
        float[][] b = Harness.randomBuffers(m.spec(), 24, 8);
        copyInputs(m.spec(), saved, b);
        FrozenPredictor before = m.freeze(b);
        float[][] old = predictions(m, b);
        Checkpoint.load(ckpt, m.spec(), b);
        float[][] loaded = predictions(m, b);
        assertTrue(Arrays.deepEquals(loaded, predictions(m, saved)), "the checkpoint's predictions");
        assertFalse(Arrays.deepEquals(old, loaded));
        assertPredicts(before, b, old);
        assertPredicts(m.freeze(b), b, loaded);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void aWriteIntoTheParameterBuffers_reachesAPredictorFrozenAfterIt(boolean vector) {
        CompiledModel m = mlp(vector);
        float[][] b = Harness.randomBuffers(m.spec(), 24, 9);
        FrozenPredictor before = m.freeze(b);
        float[][] old = predictions(m, b);
        for (int p : m.spec().indicesOf(BufferRole.PARAM)) {
            for (int i = 0; i < b[p].length; i++) {
                b[p][i] = -b[p][i] * 1.5f;
            }
        }
        float[][] written = predictions(m, b);
        assertFalse(Arrays.deepEquals(old, written));
        assertPredicts(before, b, old);
        assertPredicts(m.freeze(b), b, written);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void theFrozenWeightsCannotBeReachedThroughTheBuffersPassedToPredict(boolean vector) {
        CompiledModel m = mlp(vector);
        float[][] b = Harness.randomBuffers(m.spec(), 24, 11);
        FrozenPredictor f = m.freeze(b);
        float[][] old = predictions(m, b);
        float[][] scratch = f.allocate(24);
        copyInputs(m.spec(), b, scratch);
        for (int p : m.spec().indicesOf(BufferRole.PARAM)) {
            assertEquals(0, scratch[p].length, "allocate leaves the weight slots empty");
        }
        f.predict(scratch, 24);
        for (int p : m.spec().indicesOf(BufferRole.PARAM)) {
            assertEquals(0, scratch[p].length, "predict does not hand out the frozen arrays");
        }
        assertPredicts(f, b, old);
        assertThrows(IllegalArgumentException.class, () -> f.predict(new float[2][], 1));
        assertThrows(IllegalArgumentException.class, () -> m.freeze(new float[m.spec().buffers().size()][]));
    }

    private static CompiledModel mlp(boolean vector) {
        return Harness.load(ModelCompiler.compile(Graphs.mlp(true), OptimizerSpec.sgd(0.5, 0.9, 0)), vector);
    }

    /** The generated predict's outputs for batch 24 (a copy per output). */
    private static float[][] predictions(CompiledModel m, float[][] b) {
        m.predict(b, 24);
        return m.spec().indicesOf(BufferRole.OUTPUT).stream().map(o -> b[o].clone()).toArray(float[][]::new);
    }

    /** {@code f} on {@code b}'s inputs gives {@code expected} (and writes no weight of {@code b}). */
    private static void assertPredicts(FrozenPredictor f, float[][] b, float[][] expected) {
        float[][] copy = Harness.copy(b);
        f.predict(copy, 24);
        int k = 0;
        for (int o : f.spec().indicesOf(BufferRole.OUTPUT)) {
            assertArrayEquals(expected[k++], copy[o]);
        }
        for (int p : f.spec().indicesOf(BufferRole.PARAM)) {
            assertArrayEquals(b[p], copy[p]);
        }
    }

    private static void copyInputs(ModelSpec spec, float[][] from, float[][] to) {
        for (int i : spec.indicesOf(BufferRole.INPUT)) {
            System.arraycopy(from[i], 0, to[i], 0, from[i].length);
        }
    }

    private static void assertOutputsEqual(ModelSpec spec, float[][] want, float[][] got, int batch, String what) {
        for (int o : spec.indicesOf(BufferRole.OUTPUT)) {
            int len = spec.buffers().get(o).size(batch);
            assertArrayEquals(Arrays.copyOf(want[o], len), Arrays.copyOf(got[o], len), what);
        }
    }
}
