package dev.nabla.runtime.train;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.data.Datasets;
import dev.nabla.runtime.data.Field;
import dev.nabla.runtime.kernels.Parallel;

import java.util.Arrays;
import java.util.List;

/** Where a model's inputs, targets, loss and outputs live, and how batches of a dataset get into them. */
final class ModelBuffers {

    /**
     * The target that accuracy (or regression errors) are reported for, and the OUTPUT compared with it: the first
     * classification target with an output of one value per class (one score for a binary target), else the first
     * other target with an output of its width. {@code output} is -1 when no output fits; {@code target} is -1 for
     * a model without targets.
     *
     * @param target position among the model's targets (and the bound dataset's target fields)
     */
    record Scored(int target, BufferSpec spec, int output) {

        boolean classifier() {
            return output >= 0 && spec.classes() > 0;
        }
    }

    final ModelSpec spec;
    final float[][] buffers;
    /** Buffer index of each INPUT, in the model's order: the bound dataset's input fields go there. */
    final int[] inputs;
    /** Buffer index of each TARGET, or none when the caller gives no targets. */
    final int[] targets;
    final int loss;
    /** Rows of every field into the INPUT and TARGET buffers, for a step whose rows were not gathered ahead. */
    private final FieldRows gatherNow = new FieldRows();
    /** The INPUT and TARGET buffers in the order of {@link #slot}, as {@link #gatherNow} writes them. */
    private final float[][] slots;
    /**
     * Rows per part of a batch gathered ahead: parts small enough (about 10 µs for Fashion-MNIST's 784 bytes a row) that a
     * helper which took one up is soon free for the step's next product.
     */
    private static final int AHEAD_ROWS = 8;
    private final Rows requested = new Rows();
    private final Rows flight = new Rows();
    private final FieldRows aheadGather = new FieldRows();
    private final Parallel.Ahead aheadWork = new Parallel.Ahead();
    /** Arrays the size of the INPUT and TARGET buffers that rows are gathered ahead into, made on first use. */
    private float[][] spares;
    private boolean inFlight;

    ModelBuffers(ModelSpec spec, float[][] buffers, int batch, boolean needsTarget) {
        this.spec = spec;
        this.buffers = buffers;
        this.inputs = spec.indicesOf(BufferRole.INPUT).stream().mapToInt(Integer::intValue).toArray();
        this.targets = needsTarget ? spec.indicesOf(BufferRole.TARGET).stream().mapToInt(Integer::intValue).toArray()
                : new int[0];
        List<Integer> losses = spec.indicesOf(BufferRole.LOSS);
        this.loss = losses.isEmpty() ? -1 : losses.get(0);
        this.slots = new float[inputs.length + targets.length][];
        if (inputs.length == 0) {
            throw new NablaException("model " + spec.name() + " declares no input");
        }
        if (buffers.length != spec.buffers().size()
                || Arrays.stream(inputs).anyMatch(i -> buffers[i].length < spec.buffers().get(i).size(batch))) {
            throw new IllegalArgumentException("buffers are not allocated for model " + spec.name() + " with batch " + batch
                    + "; use spec.allocate(" + batch + ")");
        }
        if (needsTarget && loss < 0) {
            throw new NablaException("model " + spec.name() + " has no loss: it can be run (predict), not trained or evaluated");
        }
    }

    /** The dataset with its fields in the order of {@link #inputs} and {@link #targets}. */
    Dataset bind(Dataset data) {
        return Datasets.bind(data, spec, targets.length > 0);
    }

    /**
     * Copies rows {@code order[from..from+count)} of every field of a {@linkplain #bind bound} dataset. When they are the
     * rows {@link #gatherAhead} asked for before the previous call, they were gathered into spare arrays meanwhile (on
     * idle helper threads): the spares are completed and swapped in for the INPUT and TARGET buffers instead. Then the
     * rows asked for since are started into the spares.
     */
    void fill(Dataset bound, int[] order, int from, int count) {
        if (inFlight && flight.is(bound, order, from, count)) {
            aheadWork.finish();
            inFlight = false;
            swapSpares();
        } else {
            if (inFlight) {
                aheadWork.finish(); // rows no one asks for any more (a step replayed after a divergence)
                inFlight = false;
                aheadGather.clear();
            }
            for (int k = 0; k < slots.length; k++) {
                slots[k] = buffers[slot(k)];
            }
            gatherNow.set(bound, order, from);
            try {
                Parallel.forRange(gatherNow, slots, 0, null, count, 1, rowWidth(bound));
            } finally {
                gatherNow.clear();
            }
        }
        if (requested.data != null) {
            startAhead();
        }
    }

    /**
     * Asks for rows {@code order[from..from+count)} to be gathered, on idle helper threads, while the next {@link #fill}'s
     * step runs; the fill after it takes them from there. Nothing is gathered ahead with one thread.
     */
    void gatherAhead(Dataset bound, int[] order, int from, int count) {
        requested.set(bound, order, from, count);
    }

    /** Rows of a bound dataset: which ones were asked for ahead, and which ones are being gathered. */
    private static final class Rows {
        Dataset data;
        int[] order;
        int from;
        int count;

        void set(Dataset data, int[] order, int from, int count) {
            this.data = data;
            this.order = order;
            this.from = from;
            this.count = count;
        }

        boolean is(Dataset data, int[] order, int from, int count) {
            return this.data == data && this.order == order && this.from == from && this.count == count;
        }
    }

    private void startAhead() {
        Rows r = requested;
        if (spares == null) {
            spares = new float[inputs.length + targets.length][];
            for (int k = 0; k < spares.length; k++) {
                spares[k] = new float[buffers[slot(k)].length];
            }
        }
        aheadGather.set(r.data, r.order, r.from);
        int parts = (r.count + AHEAD_ROWS - 1) / AHEAD_ROWS;
        inFlight = Parallel.startAhead(aheadWork, aheadGather, spares, 0, null, r.count, 1, parts);
        if (inFlight) {
            flight.set(r.data, r.order, r.from, r.count);
        } else {
            aheadGather.clear();
        }
        r.set(null, null, 0, 0);
    }

    /** Floats per row over every input and target field of a bound dataset. */
    private int rowWidth(Dataset bound) {
        int w = 0;
        for (int i = 0; i < inputs.length; i++) {
            w += bound.inputs().get(i).width();
        }
        for (int t = 0; t < targets.length; t++) {
            w += bound.targets().get(t).width();
        }
        return w;
    }

    /** Buffer index of spare {@code k}: the inputs, then the targets. */
    private int slot(int k) {
        return k < inputs.length ? inputs[k] : targets[k - inputs.length];
    }

    private void swapSpares() {
        for (int k = 0; k < spares.length; k++) {
            float[] current = buffers[slot(k)];
            buffers[slot(k)] = spares[k];
            spares[k] = current;
        }
        aheadGather.clear();
    }

    /**
     * Rows of every input and target field, each part of the loop a range of rows, into {@link Parallel.Body}'s
     * {@code buffers}: arrays in the order of {@link #slot}, the spares when gathering ahead, else the buffers themselves.
     * Run over the threads of the products ({@link Parallel}) when the batch is large: an image batch of bytes is decoded
     * through a 256-value table one value at a time (W1: 100,352 values per step, about 6% of a step's samples in a
     * profile), a loop C2 does not vectorize. Each holder is reused: nothing is allocated per batch.
     */
    private final class FieldRows implements Parallel.Body {
        private Dataset data;
        private int[] order;
        private int from;

        void set(Dataset data, int[] order, int from) {
            this.data = data;
            this.order = order;
            this.from = from;
        }

        void clear() {
            set(null, null, 0);
        }

        @Override
        public void run(float[][] dest, int batch, float[] hyper, int rowFrom, int rowTo) {
            for (int i = 0; i < inputs.length; i++) {
                data.inputs().get(i).copyRows(order, from + rowFrom, rowTo - rowFrom, dest[i], rowFrom);
            }
            for (int t = 0; t < targets.length; t++) {
                data.targets().get(t).copyRows(order, from + rowFrom, rowTo - rowFrom, dest[inputs.length + t], rowFrom);
            }
        }
    }

    float lossValue() {
        return buffers[loss][0];
    }

    Scored scored() {
        for (boolean classification : new boolean[] {true, false}) {
            for (int t = 0; t < targets.length; t++) {
                BufferSpec target = spec.buffers().get(targets[t]);
                int output = outputOfWidth(target.classes() > 0 && !target.binary() ? target.classes() : target.rowSize());
                if ((target.classes() > 0) == classification && output >= 0) {
                    return new Scored(t, target, output);
                }
            }
        }
        return targets.length == 0 ? new Scored(-1, null, -1) : new Scored(0, spec.buffers().get(targets[0]), -1);
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
