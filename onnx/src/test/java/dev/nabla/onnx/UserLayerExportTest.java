package dev.nabla.onnx;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.codegen.ModelCompiler;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.data.DataLoader;
import dev.nabla.runtime.data.NpyWriter;
import dev.nabla.runtime.train.TrainingRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the samples leave out, exported and run by ONNX Runtime against {@code nabla predict}: a user-written layer
 * (through its primitive ops: leaky ReLU, ELU, GELU, softplus and SiLU, i.e. select, greater, expm1, erf, log1p),
 * two inputs each with its own preprocessing, concat and average pooling, batch norm without affine parameters,
 * a GRU returning every step, and two outputs.
 */
class UserLayerExportTest {

    private static final String SOURCE = """
            def mixed(x, units) {
                h = dense(x, units)
                return leaky_relu(h, 0.1) + elu(h) + gelu(h) - softplus(h) + silu(h)
            }

            model TwoInputs {
                input a : f32[B, 6]
                input b : f32[B, 2, 3]
                target y : i32[B] classes 3

                joined = concat([mixed(a, 2), flatten(b)], axis = 1)                 // [B, 8]
                normed = batch_norm(joined, affine = false)
                states = gru(reshape(normed, [-1, 2, 4]), 3, return_sequences = true)  // [B, 2, 3]
                pooled = avg_pool2d(reshape(b, [-1, 1, 2, 3]), 2, stride = 1, padding = 1)
                output scores = dense(concat([flatten(states), flatten(pooled)], axis = 1), 3)
                output last = mean(states, axis = 1)

                loss = cross_entropy(scores, y)
            }
            """;

    @Test
    void userLayerTwoInputsAndTwoOutputs_computeWhatNablaPredictPrints(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("two.nabla"), SOURCE);
        Map<String, String> preprocessing = new LinkedHashMap<>();
        preprocessing.put("preprocess.a.divisor", "4.0");
        preprocessing.put("preprocess.a.mean", "0.5,-1.0,0.25,2.0,0.0,-0.5");
        preprocessing.put("preprocess.a.std", "2.0,0.5,1.5,1.0,3.0,0.75");
        preprocessing.put("preprocess.b.divisor", "10.0");
        OnnxExport.Result result = roundTrip(file, preprocessing, 9, dir);
        assertEquals(Map.of("GRU", 1, "BatchNormalization", 1), result.layers());
        OnnxChecker.check(List.of(Files.write(dir.resolve("two.onnx"), result.model().toByteArray())));
    }

    /**
     * Compiles the model of {@code file}, saves a checkpoint of its (perturbed) initial weights with {@code preprocessing}
     * as metadata, exports it, and checks that ONNX Runtime gives every output {@code nabla predict} gives for
     * {@code rows} random raw inputs (see {@link SampleExportTest#assertClose} for the tolerance).
     */
    static OnnxExport.Result roundTrip(Path file, Map<String, String> preprocessing, int rows, Path dir) throws Exception {
        Compilation c = Compiler.compileFile(file);
        assertTrue(c.ok(), c.render());
        ModelIr model = c.models().get(0);
        CompiledModel compiled = ModelCompiler.compile(model, model.config().optimizer()).load();
        ModelSpec spec = compiled.spec();
        Path checkpoint = SampleExportTest.checkpoint(spec, preprocessing, dir.resolve(model.name() + ".safetensors"));
        OnnxExport.Result result = OnnxExport.export(model, ExportWeights.load(model, checkpoint));
        SampleExportTest.assertDeclarations(model, result.model());

        Random r = new Random(3);
        Map<String, OnnxRuntimeRunner.Input> inputs = new LinkedHashMap<>();
        StringJoiner npy = new StringJoiner(",");
        for (int i : spec.indicesOf(BufferRole.INPUT)) {
            BufferSpec b = spec.buffers().get(i);
            float[] values = new float[rows * b.rowSize()];
            for (int k = 0; k < values.length; k++) {
                values[k] = (float) (4 * r.nextGaussian());
            }
            long[] shape = SampleExportTest.shape(b, rows);
            Path p = NpyWriter.write(dir.resolve(b.name() + ".npy"), Arrays.stream(shape).mapToInt(d -> (int) d).toArray(), values);
            npy.add(b.name() + "=" + p);
            inputs.put(b.name(), OnnxRuntimeRunner.Input.floats(shape, values));
        }
        try (OnnxRuntimeRunner onnx = new OnnxRuntimeRunner(result.model().toByteArray())) {
            Map<String, float[]> got = onnx.run(inputs);
            for (Graph.Output o : model.inference().outputs(Graph.OutputRole.OUTPUT)) {
                float[] expected = TrainingRun.predict(compiled, checkpoint, DataLoader.parse(npy.toString(), dir), rows,
                        o.name()).values();
                SampleExportTest.assertClose(expected, got.get(o.name()), model.name() + " " + o.name());
            }
        }
        return result;
    }
}
