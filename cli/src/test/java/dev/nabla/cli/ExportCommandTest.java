package dev.nabla.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import onnx.Onnx.ModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nabla export}: train, export, and ONNX Runtime prints what {@code nabla predict} prints; and its errors. */
class ExportCommandTest {

    private static final Path IRIS = Path.of("../samples/iris.nabla");

    @Test
    void exportedIrisRunsInOnnxRuntime_likeNablaPredict_onRawFeatures(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("iris.safetensors");
        assertEquals(0, CliRun.of("train", IRIS.toString(), "--steps", "30", "--save", ckpt.toString()).exit());
        Path model = dir.resolve("iris.onnx");
        CliRun export = CliRun.of("export", IRIS.toString(), "--weights", ckpt.toString(), "--format", "onnx",
                "-o", model.toString());
        assertEquals(0, export.exit(), export.err());
        assertTrue(export.err().contains("exported Iris to " + model + ": ONNX opset 17"), export.err());

        float[] rows = {5.1f, 3.5f, 1.4f, 0.2f, 6.7f, 3.0f, 5.2f, 2.3f, 5.9f, 3.0f, 4.2f, 1.5f};
        Path csv = dir.resolve("flowers.csv");
        Files.write(csv, List.of("5.1,3.5,1.4,0.2", "6.7,3.0,5.2,2.3", "5.9,3.0,4.2,1.5"));
        CliRun predict = CliRun.of("predict", IRIS.toString(), "--weights", ckpt.toString(), "--input", csv.toString());
        assertEquals(0, predict.exit(), predict.err());
        float[] expected = EmbeddedJars.csvValues(predict.out());

        byte[] bytes = Files.readAllBytes(model);
        ModelProto proto = ModelProto.parseFrom(bytes);
        assertEquals("x", proto.getGraph().getInput(0).getName());
        assertEquals("probs", proto.getGraph().getOutput(0).getName());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(bytes, new OrtSession.SessionOptions());
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(rows), new long[] {3, 4});
             OrtSession.Result result = session.run(Map.of("x", x))) {
            float[][] probs = (float[][]) result.get("probs").orElseThrow().getValue();
            assertEquals(9, expected.length);
            for (int k = 0; k < expected.length; k++) {
                assertEquals(expected[k], probs[k / 3][k % 3], 1e-5 * Math.max(Math.abs(expected[k]), 0.1), "probability " + k);
            }
        }
    }

    @Test
    void randomDrawInInference_isAnErrorAtItsModelLine_withoutStackTrace(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("noisy.nabla");
        Files.writeString(file, """
                model Noisy {
                    input x : f32[B, 4]
                    output noisy = dense(x, 3) + normal(0, 1, [3])
                }
                """);
        Path ckpt = dir.resolve("w.safetensors");
        // the model has no loss to train: a checkpoint of its initial weights
        EmbeddedJars.initialCheckpoint(EmbeddedJars.spec(file), ckpt, 1);
        CliRun run = CliRun.of("export", file.toString(), "--weights", ckpt.toString(), "-o", dir.resolve("n.onnx").toString());
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.err().contains("nabla: error: " + file + ":3:34: cannot export random_normal to ONNX"), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
        assertFalse(Files.exists(dir.resolve("n.onnx")));
    }

    @Test
    void badArguments_areOneLineErrors(@TempDir Path dir) {
        Path ckpt = dir.resolve("iris.safetensors");
        assertEquals(0, CliRun.of("train", IRIS.toString(), "--steps", "1", "--save", ckpt.toString()).exit());
        String out = dir.resolve("m.onnx").toString();

        CliRun format = CliRun.of("export", IRIS.toString(), "--weights", ckpt.toString(), "--format", "tflite", "-o", out);
        assertEquals(1, format.exit());
        assertTrue(format.err().contains("unknown export format 'tflite' (onnx)"), format.err());

        CliRun missing = CliRun.of("export", IRIS.toString(), "--weights", dir.resolve("none.safetensors").toString(), "-o", out);
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no such checkpoint"), missing.err());

        CliRun other = CliRun.of("export", "../samples/wine.nabla", "--weights", ckpt.toString(), "-o", out);
        assertEquals(1, other.exit());
        assertTrue(other.err().contains("nabla: error: ") && other.err().contains("of model Wine"), other.err());

        CliRun noWeights = CliRun.of("export", IRIS.toString(), "-o", out);
        assertEquals(1, noWeights.exit());
        assertTrue(noWeights.err().contains("--weights"), noWeights.err());
        assertFalse(Files.exists(Path.of(out)));
    }
}
