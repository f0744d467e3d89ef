package dev.nabla.compiler.interp;

/** Index arithmetic for row-major tensors: broadcasting, reductions, permutations. Plain loops on purpose. */
final class Indexing {

    private Indexing() {
    }

    /**
     * The elements of {@code t} broadcast to {@code out} by NumPy rules: shapes are aligned on the right,
     * a missing or size-1 axis repeats. The result must not be written to: it may be the operand's own array.
     */
    static double[] broadcastTo(Tensor t, int[] out) {
        if (java.util.Arrays.equals(t.shape(), out)) {
            return t.raw(); // callers only read operands
        }
        int rank = out.length;
        int offset = rank - t.rank();
        if (offset < 0) {
            throw new IllegalArgumentException("cannot broadcast rank " + t.rank() + " to rank " + rank);
        }
        int[] strides = new int[rank];
        int stride = 1;
        for (int i = t.rank() - 1; i >= 0; i--) {
            int d = t.dim(i);
            if (d != out[i + offset] && d != 1) {
                throw new IllegalArgumentException("cannot broadcast dimension " + d + " to " + out[i + offset]);
            }
            strides[i + offset] = d == 1 ? 0 : stride;
            stride *= d;
        }
        double[] src = t.raw();
        double[] r = new double[Tensor.size(out)];
        int[] idx = new int[rank];
        for (int f = 0; f < r.length; f++) {
            int s = 0;
            for (int a = 0; a < rank; a++) {
                s += idx[a] * strides[a];
            }
            r[f] = src[s];
            increment(idx, out);
        }
        return r;
    }

    /** Advances a multi-index over {@code shape} in row-major order (last axis fastest). */
    static void increment(int[] idx, int[] shape) {
        for (int a = idx.length - 1; a >= 0; a--) {
            if (++idx[a] < shape[a]) {
                return;
            }
            idx[a] = 0;
        }
    }

    /** Row-major flat index of a multi-index. */
    static int flat(int[] idx, int[] shape) {
        int f = 0;
        for (int a = 0; a < shape.length; a++) {
            f = f * shape[a] + idx[a];
        }
        return f;
    }

    /** The shape with the given axes set to 1 (a reduction with keepdims). */
    static int[] keepDims(int[] shape, boolean[] reduced) {
        int[] out = shape.clone();
        for (int a = 0; a < out.length; a++) {
            if (reduced[a]) {
                out[a] = 1;
            }
        }
        return out;
    }

    /** For each element of a tensor of {@code shape}, the flat index of its slot in the keepdims reduction. */
    static int[] reductionSlots(int[] shape, boolean[] reduced) {
        int[] kept = keepDims(shape, reduced);
        int[] slots = new int[Tensor.size(shape)];
        int[] idx = new int[shape.length];
        int[] target = new int[shape.length];
        for (int f = 0; f < slots.length; f++) {
            for (int a = 0; a < shape.length; a++) {
                target[a] = reduced[a] ? 0 : idx[a];
            }
            slots[f] = flat(target, kept);
            increment(idx, shape);
        }
        return slots;
    }
}
