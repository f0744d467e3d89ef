package dev.nabla.runtime.train;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.data.Datasets;

import java.util.List;

/** Where a model's input, target, loss and outputs live, and how batches of a dataset get into them. */
final class ModelBuffers {

    final ModelSpec spec;
    final float[][] buffers;
    final int input;
    final int target;
    final int loss;

    ModelBuffers(ModelSpec spec, float[][] buffers, int batch, boolean needsTarget) {
        this.spec = spec;
        this.buffers = buffers;
        this.input = Datasets.inputIndex(spec);
        this.target = needsTarget ? Datasets.targetIndex(spec) : -1;
        List<Integer> losses = spec.indicesOf(BufferRole.LOSS);
        this.loss = losses.isEmpty() ? -1 : losses.get(0);
        if (buffers.length != spec.buffers().size() || buffers[input].length < spec.buffers().get(input).size(batch)) {
            throw new IllegalArgumentException("buffers are not allocated for model " + spec.name() + " with batch " + batch
                    + "; use spec.allocate(" + batch + ")");
        }
        if (needsTarget && loss < 0) {
            throw new NablaException("model " + spec.name() + " has no loss");
        }
    }

    void fill(Dataset data, int[] order, int from, int count) {
        data.copyFeatures(order, from, count, buffers[input]);
        if (target >= 0) {
            data.copyTargets(order, from, count, buffers[target]);
        }
    }

    float lossValue() {
        return buffers[loss][0];
    }

    /** The OUTPUT with {@code width} values per row (class probabilities or predictions), or -1. */
    int outputOfWidth(int width) {
        for (int i : spec.indicesOf(BufferRole.OUTPUT)) {
            if (spec.buffers().get(i).rowSize() == width) {
                return i;
            }
        }
        return -1;
    }

    BufferSpec targetSpec() {
        return spec.buffers().get(target);
    }

    /** Copies of the buffers a checkpoint holds (PARAM, STATE, OPT_STATE), to restore later. */
    float[][] snapshot() {
        float[][] copy = new float[buffers.length][];
        for (int i = 0; i < buffers.length; i++) {
            BufferRole r = spec.buffers().get(i).role();
            if (r == BufferRole.PARAM || r == BufferRole.STATE || r == BufferRole.OPT_STATE) {
                copy[i] = buffers[i].clone();
            }
        }
        return copy;
    }

    void restore(float[][] snapshot) {
        for (int i = 0; i < snapshot.length; i++) {
            if (snapshot[i] != null) {
                System.arraycopy(snapshot[i], 0, buffers[i], 0, snapshot[i].length);
            }
        }
    }

    static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }
}
