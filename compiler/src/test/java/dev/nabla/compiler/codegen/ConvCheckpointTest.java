package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.checkpoint.Checkpoint;
import dev.nabla.runtime.checkpoint.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trained CNN's checkpoint holds conv tensors in nn.Conv2d's layout ([out, in, kh, kw] and [out]) and dense
 * weights as [in, out] (nn.Linear's transposed), named so that each maps onto one tensor of a PyTorch twin.
 */
class ConvCheckpointTest {

    @Test
    void trainedCnnCheckpoint_hasPyTorchConvShapesAndOneToOneNames(@TempDir Path dir) {
        Compilation c = Compiler.compileSource("small_cnn.nabla", NoAllocationTest.CNN);
        assertTrue(c.ok(), c.render());
        CompiledModel m = ModelCompiler.compile(c.model(null), OptimizerSpec.sgd(0.05, 0.9, 0)).load();
        float[][] b = Harness.randomBuffers(m.spec(), 8, 3);
        for (int step = 1; step <= 3; step++) {
            m.trainStep(b, 8);
            m.update(b, new float[] {0.05f, step, 1});
        }
        Path file = dir.resolve("cnn.safetensors");
        Checkpoint.save(file, m.spec(), b, Map.of());
        Map<String, String> shapes = new TreeMap<>();
        for (Safetensors.Tensor t : Safetensors.read(file).tensors().values()) {
            if (!t.name().contains(":")) {
                shapes.put(t.name(), Arrays.toString(t.shape()));
            }
        }
        assertEquals(Map.of(
                "c1.W", "[4, 2, 3, 3]", "c1.b", "[4]",
                "c2.W", "[6, 4, 3, 3]", "c2.b", "[6]",
                "logits.W", "[6, 4]", "logits.b", "[4]"), shapes);
    }
}
