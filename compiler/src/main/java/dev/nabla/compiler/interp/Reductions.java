package dev.nabla.compiler.interp;

import dev.nabla.compiler.ir.Attr;

/** SUM, MEAN, MAX over axes, and the max-subtracted SOFTMAX / LOG_SOFTMAX along one axis. */
final class Reductions {

    private Reductions() {
    }

    static Tensor sum(Tensor t, Attr.Axes axes, int[] out) {
        return Tensor.wrap(out, sumKeepDims(t, reducedMask(t.rank(), axes)));
    }

    /** Divides by the number of reduced elements of the concrete operand, so a batch axis counts the actual batch. */
    static Tensor mean(Tensor t, Attr.Axes axes, int[] out) {
        boolean[] reduced = reducedMask(t.rank(), axes);
        double[] r = sumKeepDims(t, reduced);
        int count = t.size() / r.length;
        for (int i = 0; i < r.length; i++) {
            r[i] /= count;
        }
        return Tensor.wrap(out, r);
    }

    static Tensor max(Tensor t, Attr.Axes axes, int[] out) {
        boolean[] reduced = reducedMask(t.rank(), axes);
        int[] slots = Indexing.reductionSlots(t.shape(), reduced);
        double[] r = new double[Tensor.size(Indexing.keepDims(t.shape(), reduced))];
        java.util.Arrays.fill(r, Double.NEGATIVE_INFINITY);
        double[] x = t.raw();
        for (int i = 0; i < x.length; i++) {
            r[slots[i]] = Math.max(r[slots[i]], x[i]);
        }
        return Tensor.wrap(out, r);
    }

    /**
     * softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m) with m the maximum along the axis, so large inputs
     * do not overflow; log_softmax(x)_i = x_i - m - log(sum_j exp(x_j - m)).
     */
    static Tensor softmax(Tensor t, int axis, boolean log) {
        boolean[] reduced = new boolean[t.rank()];
        reduced[axis] = true;
        int[] slots = Indexing.reductionSlots(t.shape(), reduced);
        int groups = t.size() / t.dim(axis);
        double[] x = t.raw();
        double[] max = new double[groups];
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < x.length; i++) {
            max[slots[i]] = Math.max(max[slots[i]], x[i]);
        }
        double[] total = new double[groups];
        for (int i = 0; i < x.length; i++) {
            total[slots[i]] += Math.exp(x[i] - max[slots[i]]);
        }
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double shifted = x[i] - max[slots[i]];
            r[i] = log ? shifted - Math.log(total[slots[i]]) : Math.exp(shifted) / total[slots[i]];
        }
        return Tensor.wrap(t.shape(), r);
    }

    private static double[] sumKeepDims(Tensor t, boolean[] reduced) {
        int[] slots = Indexing.reductionSlots(t.shape(), reduced);
        double[] r = new double[Tensor.size(Indexing.keepDims(t.shape(), reduced))];
        double[] x = t.raw();
        for (int i = 0; i < x.length; i++) {
            r[slots[i]] += x[i];
        }
        return r;
    }

    private static boolean[] reducedMask(int rank, Attr.Axes axes) {
        boolean[] reduced = new boolean[rank];
        for (int a : axes.axes()) {
            reduced[a] = true;
        }
        return reduced;
    }
}
