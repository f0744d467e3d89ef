package dev.nabla.bench;

import dev.nabla.runtime.kernels.Gemm;
import java.util.Random;

/**
 * The 8 matrix products of one W1 training step (MLP 784-256-128-10, batch 128): 3 forward products with
 * bias+ReLU epilogues, 3 weight gradients {@code x^T g} and 2 input gradients {@code g W^T}, on buffers laid
 * out as generated code lays them out.
 */
final class TrainingStepProducts {
    static final int BATCH = 128;
    static final int[] WIDTHS = {784, 256, 128, 10};

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

    /** Floating-point operations (2 per multiply-add) of one step. */
    static long flops() {
        long fmas = 0;
        for (int l = 0; l < 3; l++) {
            long layer = (long) BATCH * WIDTHS[l] * WIDTHS[l + 1];
            fmas += l == 0 ? 2 * layer : 3 * layer; // no input gradient for the first layer
        }
        return 2 * fmas;
    }

    void step() {
        for (int l = 0; l < 3; l++) {
            Gemm.gemmBiasAct(false, BATCH, WIDTHS[l + 1], WIDTHS[l], act[l], 0, w[l], 0, act[l + 1], 0,
                    bias[l], 0, l < 2 ? Gemm.ACT_RELU : Gemm.ACT_NONE);
        }
        for (int l = 2; l >= 0; l--) {
            int in = WIDTHS[l];
            int out = WIDTHS[l + 1];
            Gemm.gemm(true, false, in, out, BATCH, act[l], 0, grad[l + 1], 0, dw[l], 0, false);
            if (l > 0) {
                Gemm.gemm(false, true, BATCH, in, out, grad[l + 1], 0, w[l], 0, grad[l], 0, false);
            }
        }
    }

    /** A value depending on every output, so that no product can be optimised away. */
    float checksum() {
        float s = 0;
        for (float[] d : dw) {
            s += d[0] + d[d.length - 1];
        }
        return s + grad[1][0] + act[3][0];
    }
}
