package dev.nabla.runtime.train;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.data.Field;
import dev.nabla.runtime.kernels.Gemm;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Batches gathered into a model's input buffer: over the product threads when large, the same rows as on one. */
class ModelBuffersTest {

    @Test
    void aLargeBatch_gatheredOverOneTwoOrThreeThreads_holdsTheOrderedRows() {
        int rows = 300;
        int width = 784;
        int batch = 128; // 100,352 values: large enough to be split over the threads
        float[] values = new float[rows * width];
        Random r = new Random(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextInt(256);
        }
        Field x = new Field("x", "test", new int[] {width}, values, false, true);
        Dataset data = new Dataset("test", List.of(x), List.of(), null);
        ModelSpec spec = new ModelSpec("m", "m.nabla",
                List.of(new BufferSpec("x", BufferRole.INPUT, new int[] {BufferSpec.BATCH, width})),
                OptimizerSpec.sgd(0.1, 0, 0), TrainConfig.EMPTY);
        int[] order = r.ints(0, rows).limit(rows).toArray();
        int saved = Gemm.threads();
        try {
            for (int threads = 1; threads <= 3; threads++) {
                Gemm.setThreads(threads);
                ModelBuffers mb = new ModelBuffers(spec, spec.allocate(batch), batch, false);
                for (int from : new int[] {0, 150, rows - batch}) {
                    mb.fill(data, order, from, batch);
                    float[] expected = new float[batch * width];
                    for (int i = 0; i < batch; i++) {
                        System.arraycopy(values, order[from + i] * width, expected, i * width, width);
                    }
                    assertArrayEquals(expected, java.util.Arrays.copyOf(mb.buffers[0], batch * width),
                            threads + " threads, rows from " + from);
                }
            }
        } finally {
            Gemm.setThreads(saved);
        }
    }
}
