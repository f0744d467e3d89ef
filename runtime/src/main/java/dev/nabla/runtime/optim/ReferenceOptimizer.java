package dev.nabla.runtime.optim;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;

import dev.nabla.runtime.train.GradientHealth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain-Java reference of every optimizer's update rule, written to match {@code torch.optim} (PyTorch 1.13,
 * single-tensor path) operation by operation, in {@code float} arithmetic like PyTorch's float32 tensors.
 * Compiled update kernels are tested against it.
 *
 * <p>State slots (the OPT_STATE buffers {@code opt0:NAME}, {@code opt1:NAME}, all zero before the first step):
 * <ul>
 *   <li>SGD / NESTEROV with momentum: slot 0 = momentum buffer</li>
 *   <li>ADAM / ADAMW: slot 0 = first moment {@code exp_avg}, slot 1 = second moment {@code exp_avg_sq}</li>
 *   <li>RMSPROP: slot 0 = {@code square_avg}, slot 1 = momentum buffer (only with momentum)</li>
 * </ul>
 * Every rule first multiplies the gradient by {@code hyper[HYPER_GRAD_SCALE]} (global-norm clipping), then
 * adds weight decay like PyTorch (to the gradient, or decoupled for ADAMW). Dampening is 0. A zeroed momentum
 * buffer gives the same first step as PyTorch's {@code buf = grad.clone()}.
 */
public final class ReferenceOptimizer {

    private ReferenceOptimizer() {
    }

    /**
     * Updates every PARAM of a model from its GRAD and OPT_STATE buffers (found by {@link BufferSpec#of()}, slots
     * in buffer order): what a compiled {@code update} kernel does, for models executed without one.
     */
    public static void updateAll(ModelSpec spec, float[][] buffers, float[] hyper) {
        updateAllMeasured(spec, buffers, hyper);
    }

    /**
     * {@link #updateAll}, also measuring what a compiled update kernel with gradient health measures, in double: per
     * PARAM (by name, in buffer order) the sums of the squares of its gradient (as given, before clipping), of its
     * weights before the step and of the step (weights after minus before).
     */
    public static Map<String, GradientHealth.Sums> updateAllMeasured(ModelSpec spec, float[][] buffers, float[] hyper) {
        Map<String, GradientHealth.Sums> sums = new LinkedHashMap<>();
        List<BufferSpec> all = spec.buffers();
        for (int p = 0; p < all.size(); p++) {
            BufferSpec param = all.get(p);
            if (param.role() != BufferRole.PARAM) {
                continue;
            }
            float[] grad = null;
            List<float[]> slots = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                BufferSpec b = all.get(i);
                if (param.name().equals(b.of()) && b.role() == BufferRole.GRAD) {
                    grad = buffers[i];
                } else if (param.name().equals(b.of()) && b.role() == BufferRole.OPT_STATE) {
                    slots.add(buffers[i]);
                }
            }
            if (grad == null) {
                throw new IllegalArgumentException("model " + spec.name() + " has no gradient for " + param.name());
            }
            int n = param.size(1);
            float[] before = buffers[p].clone();
            update(spec.optimizer(), buffers[p], grad, slots.toArray(new float[0][]), hyper, n);
            double gg = 0;
            double ww = 0;
            double dd = 0;
            for (int i = 0; i < n; i++) {
                double step = (double) buffers[p][i] - before[i];
                gg += (double) grad[i] * grad[i];
                ww += (double) before[i] * before[i];
                dd += step * step;
            }
            sums.put(param.name(), new GradientHealth.Sums(gg, ww, dd));
        }
        return sums;
    }

    /**
     * Updates {@code param[0..n)} in place.
     *
     * @param slots {@code spec.stateSlots()} arrays of at least {@code n} elements, updated in place
     * @param hyper {@code [lr, step (1-based), gradScale]}
     */
    public static void update(OptimizerSpec spec, float[] param, float[] grad, float[][] slots, float[] hyper, int n) {
        if (slots.length < spec.stateSlots()) {
            throw new IllegalArgumentException(spec.kind() + " needs " + spec.stateSlots() + " state slots, got " + slots.length);
        }
        float lr = hyper[OptimizerSpec.HYPER_LR];
        float scale = hyper[OptimizerSpec.HYPER_GRAD_SCALE];
        switch (spec.kind()) {
            case SGD:
            case NESTEROV:
                sgd(spec, param, grad, slots, lr, scale, n);
                break;
            case ADAM:
            case ADAMW:
                adam(spec, param, grad, slots, lr, (int) hyper[OptimizerSpec.HYPER_STEP], scale, n);
                break;
            case RMSPROP:
                rmsprop(spec, param, grad, slots, lr, scale, n);
                break;
            default:
                throw new IllegalArgumentException("unknown optimizer " + spec.kind());
        }
    }

    private static void sgd(OptimizerSpec spec, float[] p, float[] grad, float[][] slots, float lr, float scale, int n) {
        float wd = (float) spec.weightDecay();
        float momentum = (float) spec.momentum();
        boolean nesterov = spec.kind() == OptimizerSpec.Kind.NESTEROV;
        for (int i = 0; i < n; i++) {
            float g = grad[i] * scale;
            if (wd != 0) {
                g = g + wd * p[i];
            }
            if (momentum != 0) {
                float buf = momentum * slots[0][i] + g;
                slots[0][i] = buf;
                g = nesterov ? g + momentum * buf : buf;
            }
            p[i] = p[i] - lr * g;
        }
    }

    private static void adam(OptimizerSpec spec, float[] p, float[] grad, float[][] slots, float lr, int step,
                             float scale, int n) {
        boolean decoupled = spec.kind() == OptimizerSpec.Kind.ADAMW;
        float wd = (float) spec.weightDecay();
        float beta1 = (float) spec.beta1();
        float beta2 = (float) spec.beta2();
        float eps = (float) spec.eps();
        // PyTorch computes the bias corrections as Python floats (double), then uses them with float tensors.
        double bc1 = 1 - Math.pow(spec.beta1(), step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(spec.beta2(), step));
        float stepSize = (float) (lr / bc1);
        float decay = (float) (1 - (double) lr * spec.weightDecay());
        float[] m = slots[0];
        float[] v = slots[1];
        for (int i = 0; i < n; i++) {
            float g = grad[i] * scale;
            if (decoupled) {
                p[i] = p[i] * decay;
            } else if (wd != 0) {
                g = g + wd * p[i];
            }
            m[i] = m[i] * beta1 + (1 - beta1) * g;
            v[i] = v[i] * beta2 + (1 - beta2) * g * g;
            float denom = (float) (Math.sqrt(v[i]) / bc2Sqrt) + eps;
            p[i] = p[i] - stepSize * (m[i] / denom);
        }
    }

    private static void rmsprop(OptimizerSpec spec, float[] p, float[] grad, float[][] slots, float lr, float scale,
                                int n) {
        float wd = (float) spec.weightDecay();
        float alpha = (float) spec.alpha();
        float eps = (float) spec.eps();
        float momentum = (float) spec.momentum();
        float[] sq = slots[0];
        for (int i = 0; i < n; i++) {
            float g = grad[i] * scale;
            if (wd != 0) {
                g = g + wd * p[i];
            }
            sq[i] = sq[i] * alpha + (1 - alpha) * g * g;
            float avg = (float) Math.sqrt(sq[i]) + eps;
            if (momentum != 0) {
                float buf = slots[1][i] * momentum + g / avg;
                slots[1][i] = buf;
                p[i] = p[i] - lr * buf;
            } else {
                p[i] = p[i] - lr * (g / avg);
            }
        }
    }
}
