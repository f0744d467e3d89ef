package dev.nabla.bench;

import dev.nabla.runtime.kernels.Gemm;
import java.util.Random;

/**
 * The 8 matrix products of one W1 training step (MLP 784-256-128-10, batch 128): 3 forward products with
 * bias+ReLU epilogues, 3 weight gradients {@code x^T g} and 2 input gradients {@code g W^T}, on buffers laid
 * out as generated code lays them out (weights {@code [in, out]}, activations {@code [batch, width]}).
 */
final class TrainingStepProducts {
    static final int BATCH = 128;
    static final int[] WIDTHS = {784, 256, 128, 10};
    static final int PRODUCTS = 8;

    private final float[][] act = new float[4][];
    private final float[][] grad = new float[4][];
    private final float[][] w = new float[3][];
    private final float[][] dw = new float[3][];
    private final float[][] bias = new float[3][];

    TrainingStepProducts(long seed) {
        Random r = new Random(seed);
        for (int l = 0; l < 4; l++) {
            act[l] = random(r, BATCH * WIDTHS[l]);
            grad[l] = random(r, BATCH * WIDTHS[l]);
        }
        for (int l = 0; l < 3; l++) {
            w[l] = random(r, WIDTHS[l] * WIDTHS[l + 1]);
            dw[l] = new float[WIDTHS[l] * WIDTHS[l + 1]];
            bias[l] = random(r, WIDTHS[l + 1]);
        }
    }

    private static float[] random(Random r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = (float) (r.nextDouble() - 0.5);
        }
        return x;
    }

    /** Product {@code q} in step order: forward layers 0-2, then per layer 2..0 the weight and input gradient. */
    void run(int q) {
        if (q < 3) {
            Gemm.gemmBiasAct(false, BATCH, WIDTHS[q + 1], WIDTHS[q], act[q], 0, w[q], 0, act[q + 1], 0,
                    bias[q], 0, q < 2 ? Gemm.ACT_RELU : Gemm.ACT_NONE);
            return;
        }
        int l = layerOf(q);
        int in = WIDTHS[l];
        int out = WIDTHS[l + 1];
        if (isWeightGradient(q)) {
            Gemm.gemm(true, false, in, out, BATCH, act[l], 0, grad[l + 1], 0, dw[l], 0, false);
        } else {
            Gemm.gemm(false, true, BATCH, in, out, grad[l + 1], 0, w[l], 0, grad[l], 0, false);
        }
    }

    void step() {
        for (int q = 0; q < PRODUCTS; q++) {
            run(q);
        }
    }

    // Backward order: dW3, dh2, dW2, dh1, dW1 (no input gradient for the first layer).
    private static int layerOf(int q) {
        return q < 3 ? q : new int[] {2, 2, 1, 1, 0}[q - 3];
    }

    private static boolean isWeightGradient(int q) {
        return q == 3 || q == 5 || q == 7;
    }

    /** "NN 128x256x784" etc.: transposes and m x n x k of product {@code q}. */
    static String describe(int q) {
        int l = layerOf(q);
        int in = WIDTHS[l];
        int out = WIDTHS[l + 1];
        if (q < 3) {
            return "NN " + BATCH + "x" + out + "x" + in + (q < 2 ? " +bias,relu" : " +bias");
        }
        return isWeightGradient(q) ? "TN " + in + "x" + out + "x" + BATCH : "NT " + BATCH + "x" + in + "x" + out;
    }

    /** Floating-point operations (2 per multiply-add) of product {@code q}. */
    static long flops(int q) {
        int l = layerOf(q);
        return 2L * BATCH * WIDTHS[l] * WIDTHS[l + 1];
    }

    static long flops() {
        long total = 0;
        for (int q = 0; q < PRODUCTS; q++) {
            total += flops(q);
        }
        return total;
    }

    /** A value depending on every output, so that no product can be optimised away. */
    float checksum() {
        float s = 0;
        for (float[] d : dw) {
            s += d[0] + d[d.length - 1];
        }
        return s + grad[1][0] + grad[2][0] + act[3][0];
    }
}
