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

/**
 * Batches gathered into a model's input and target buffers: over the product threads when large, the same rows as on
 * one; gathered ahead into spare arrays while the previous step runs, the same rows as gathered on demand, also when
 * the rows asked for ahead are not the ones the next step takes (a step replayed after a divergence).
 */
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

    @Test
    void rowsGatheredAhead_areTheRowsAskedFor_alsoWhenTheStepsTakeOtherRows() {
        int rows = 500;
        int width = 784;
        int batch = 128;
        Random r = new Random(11);
        float[] values = new float[rows * width];
        float[] labels = new float[rows];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextInt(256);
        }
        for (int i = 0; i < rows; i++) {
            labels[i] = r.nextInt(10);
        }
        Field x = new Field("x", "test", new int[] {width}, values, false, true);
        Field y = new Field("y", "test", new int[] {1}, labels, false, false);
        Dataset data = new Dataset("test", List.of(x), List.of(y), null);
        ModelSpec spec = new ModelSpec("m", "m.nabla",
                List.of(new BufferSpec("x", BufferRole.INPUT, new int[] {BufferSpec.BATCH, width}),
                        new BufferSpec("y", BufferRole.TARGET, new int[] {BufferSpec.BATCH}),
                        new BufferSpec("loss", BufferRole.LOSS, new int[] {1})),
                OptimizerSpec.sgd(0.1, 0, 0), TrainConfig.EMPTY);
        int[] order = r.ints(0, rows).limit(rows).toArray();
        // (rows a step takes, rows asked for ahead before it or -1): in order; a replayed step (0 after 256) and the
        // last, partial batch
        int[][] steps = {{0, 128}, {128, 256}, {256, 0}, {0, 128}, {128, -1}, {256, 372}, {372, -1}};
        int saved = Gemm.threads();
        try {
            for (int threads = 1; threads <= 3; threads++) {
                Gemm.setThreads(threads);
                ModelBuffers mb = new ModelBuffers(spec, spec.allocate(batch), batch, true);
                for (int[] s : steps) {
                    int from = s[0];
                    int count = Math.min(batch, rows - from);
                    if (s[1] >= 0) {
                        mb.gatherAhead(data, order, s[1], Math.min(batch, rows - s[1]));
                    }
                    mb.fill(data, order, from, count);
                    float[] expectedX = new float[count * width];
                    float[] expectedY = new float[count];
                    for (int i = 0; i < count; i++) {
                        System.arraycopy(values, order[from + i] * width, expectedX, i * width, width);
                        expectedY[i] = labels[order[from + i]];
                    }
                    String where = threads + " threads, rows from " + from;
                    assertArrayEquals(expectedX, java.util.Arrays.copyOf(mb.buffers[0], count * width), where);
                    assertArrayEquals(expectedY, java.util.Arrays.copyOf(mb.buffers[1], count), where);
                }
            }
        } finally {
            Gemm.setThreads(saved);
        }
    }
}
