package dev.nabla.bench;

import dev.nabla.runtime.kernels.Conv2d;
import dev.nabla.runtime.kernels.Gemm;
import dev.nabla.runtime.kernels.Pool2d;
import java.util.Random;

/**
 * The convolution and pooling calls of one W2 training step at batch 128 (conv 1->8 5x5 on 28x28, ReLU, max pool 2;
 * conv 8->16 5x5, ReLU, max pool 2), with their data, as generated code makes them: the forward convolutions with
 * bias and fused ReLU, the input gradient for the second convolution only (the first one's input is the data), the
 * filter gradients with the bias gradient.
 */
final class ConvShapes {
    static final int BATCH = 128;
    static final int KERNELS = 9;

    private final float[] x1 = new float[BATCH * 28 * 28];
    private final float[] w1;
    private final float[] b1;
    private final float[] y1 = new float[BATCH * 8 * 24 * 24];
    private final float[] p1 = new float[BATCH * 8 * 12 * 12];
    private final float[] w2;
    private final float[] b2;
    private final float[] y2 = new float[BATCH * 16 * 8 * 8];
    private final float[] p2 = new float[BATCH * 16 * 4 * 4];
    private final float[] gp2 = new float[BATCH * 16 * 4 * 4];
    private final float[] g2 = new float[BATCH * 16 * 8 * 8];
    private final float[] gp1 = new float[BATCH * 8 * 12 * 12];
    private final float[] g1 = new float[BATCH * 8 * 24 * 24];
    private final float[] dw1 = new float[8 * 25];
    private final float[] db1 = new float[8];
    private final float[] dw2 = new float[16 * 8 * 25];
    private final float[] db2 = new float[16];

    ConvShapes(long seed) {
        Random r = new Random(seed);
        fill(r, x1, 0, 1);
        w1 = new float[8 * 25];
        fill(r, w1, -0.4, 0.4);
        b1 = new float[8];
        fill(r, b1, -0.1, 0.1);
        w2 = new float[16 * 8 * 25];
        fill(r, w2, -0.1, 0.1);
        b2 = new float[16];
        fill(r, b2, -0.1, 0.1);
        fill(r, gp2, -1, 1);
        fill(r, g2, -1, 1);
        fill(r, g1, -1, 1);
        run(-1); // realistic activations for the pools and filter gradients
    }

    private static void fill(Random r, float[] a, double lo, double hi) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
    }

    static String describe(int q) {
        return switch (q) {
            case 0 -> "conv1 forward 1->8 28x28 5x5";
            case 1 -> "pool1 maxForward 8x24x24";
            case 2 -> "conv2 forward 8->16 12x12 5x5";
            case 3 -> "pool2 maxForward 16x8x8";
            case 4 -> "pool2 maxBackward 16x8x8";
            case 5 -> "conv2 inputGrad";
            case 6 -> "conv2 filterGrad+dbias";
            case 7 -> "pool1 maxBackward 8x24x24";
            default -> "conv1 filterGrad+dbias";
        };
    }

    /** Multiply-adds of kernel q (0 for the pools). */
    static long fmas(int q) {
        return switch (q) {
            case 0, 8 -> (long) BATCH * 8 * 25 * 576;
            case 2, 5, 6 -> (long) BATCH * 16 * 200 * 64;
            default -> 0;
        };
    }

    static long convFmas() {
        long s = 0;
        for (int q = 0; q < KERNELS; q++) {
            s += fmas(q);
        }
        return s;
    }

    /** Runs kernel q, or all of them in training-step order for q = -1. */
    void run(int q) {
        if (q < 0) {
            for (int i = 0; i < KERNELS; i++) {
                run(i);
            }
            return;
        }
        switch (q) {
            case 0 -> Conv2d.forward(BATCH, 1, 28, 28, 8, 5, 5, 24, 24, 1, 1, 0, 0, 1, 1, x1, w1, b1, Gemm.ACT_RELU,
                    y1);
            case 1 -> Pool2d.maxForward(BATCH, 8, 24, 24, 2, 2, 12, 12, 2, 2, 0, 0, y1, p1);
            case 2 -> Conv2d.forward(BATCH, 8, 12, 12, 16, 5, 5, 8, 8, 1, 1, 0, 0, 1, 1, p1, w2, b2, Gemm.ACT_RELU, y2);
            case 3 -> Pool2d.maxForward(BATCH, 16, 8, 8, 2, 2, 4, 4, 2, 2, 0, 0, y2, p2);
            case 4 -> Pool2d.maxBackward(BATCH, 16, 8, 8, 2, 2, 4, 4, 2, 2, 0, 0, y2, gp2, g2);
            case 5 -> Conv2d.inputGrad(BATCH, 8, 12, 12, 16, 5, 5, 8, 8, 1, 1, 0, 0, 1, 1, g2, w2, gp1);
            case 6 -> Conv2d.filterGrad(BATCH, 8, 12, 12, 16, 5, 5, 8, 8, 1, 1, 0, 0, 1, 1, p1, g2, dw2, db2);
            case 7 -> Pool2d.maxBackward(BATCH, 8, 24, 24, 2, 2, 12, 12, 2, 2, 0, 0, y1, gp1, g1);
            default -> Conv2d.filterGrad(BATCH, 1, 28, 28, 8, 5, 5, 24, 24, 1, 1, 0, 0, 1, 1, x1, g1, dw1, db1);
        }
    }

    float checksum() {
        return y1[5] + p1[7] + y2[3] + p2[1] + g2[9] + gp1[11] + g1[13] + dw1[2] + db1[1] + dw2[3] + db2[4];
    }
}
