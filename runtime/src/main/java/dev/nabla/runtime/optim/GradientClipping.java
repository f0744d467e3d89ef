package dev.nabla.runtime.optim;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.ModelSpec;

import java.util.List;

/** Clipping by global norm as {@code torch.nn.utils.clip_grad_norm_}: one factor for every gradient. */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** L2 norm over every GRAD buffer of the model (computed in double). */
    public static double globalNorm(ModelSpec spec, float[][] buffers) {
        double sum = 0;
        List<Integer> grads = spec.indicesOf(BufferRole.GRAD);
        for (int index : grads) {
            float[] g = buffers[index];
            int n = spec.buffers().get(index).size(1);
            for (int i = 0; i < n; i++) {
                sum += (double) g[i] * g[i];
            }
        }
        return Math.sqrt(sum);
    }

    /**
     * The factor gradients are multiplied by: {@code min(1, maxNorm / (norm + 1e-6))} as PyTorch, 1 when
     * clipping is off ({@code maxNorm <= 0}).
     */
    public static float scale(double norm, double maxNorm) {
        if (maxNorm <= 0) {
            return 1f;
        }
        return (float) Math.min(1.0, maxNorm / (norm + 1e-6));
    }
}
