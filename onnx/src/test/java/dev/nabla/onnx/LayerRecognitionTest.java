package dev.nabla.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * When batch_norm and gru become ONNX operators and when they stay primitive ops: the pattern is the arithmetic
 * (a user's own batch norm is one), a layer whose inner values are read elsewhere cannot be one node, and a
 * user's own {@code gru} that computes something else is exported op by op. Each export runs in ONNX Runtime
 * against {@code nabla predict}.
 */
class LayerRecognitionTest {

    private static OnnxExport.Result export(Path dir, String source) throws Exception {
        return UserLayerExportTest.roundTrip(Files.writeString(dir.resolve("m.nabla"), source), Map.of(), 7, dir);
    }

    @Test
    void handWrittenBatchNormArithmeticIsBatchNormalization(@TempDir Path dir) throws Exception {
        OnnxExport.Result r = export(dir, """
                def my_norm(x) {
                    state m : [dim(x, 1)] = zeros
                    state v : [dim(x, 1)] = ones
                    return (x - m) / sqrt(v + 0.001)
                }
                model Own {
                    input x : f32[B, 5]
                    output y = my_norm(x)
                }
                """);
        assertEquals(Map.of("BatchNormalization", 1), r.layers());
    }

    @Test
    void batchNormWhoseCenteredValueIsAlsoAnOutputStaysPrimitive(@TempDir Path dir) throws Exception {
        OnnxExport.Result r = export(dir, """
                model Shared {
                    input x : f32[B, 5]
                    state m : [5] = zeros
                    state v : [5] = ones
                    output centered = x - m
                    output y = centered / sqrt(v + 0.001)
                }
                """);
        assertEquals(Map.of(), r.layers());
    }

    @Test
    void singleStepGruIsGru(@TempDir Path dir) throws Exception {
        OnnxExport.Result r = export(dir, """
                model OneStep {
                    input x : f32[B, 1, 4]
                    output h = gru(x, 3)
                }
                """);
        assertEquals(Map.of("GRU", 1), r.layers());
    }

    @Test
    void ownGruWithoutResetGateIsExportedOpByOp(@TempDir Path dir) throws Exception {
        OnnxExport.Result r = export(dir, """
                def gru(x, units) {
                    param weight_ih : [3 * units, dim(x, 2)] = uniform(-0.5, 0.5)
                    param weight_hh : [3 * units, units] = uniform(-0.5, 0.5)
                    z = sigmoid(x[:, 0, :] @ transpose(weight_ih[0:units, :]))
                    n = tanh(x[:, 1, :] @ transpose(weight_ih[units:2 * units, :]))
                    return (1 - z) * n
                }
                model Own {
                    input x : f32[B, 2, 4]
                    output h = gru(x, 3)
                }
                """);
        assertEquals(Map.of(), r.layers());
    }
}
