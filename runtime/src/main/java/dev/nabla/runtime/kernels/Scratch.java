package dev.nabla.runtime.kernels;

/**
 * Per-thread work space of the kernels (a packed operand panel and a small tile of C). It only grows, so
 * after the first calls with the largest shapes a product allocates nothing.
 */
final class Scratch {

    private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

    private float[] panel = new float[0];
    /** What {@link #panel} and {@link #aPanel} hold, when a part labelled them ({@link #panelLabel}). */
    private final Label panelLabel = new Label();
    private final Label aPanelLabel = new Label();
    private float[] partial = new float[0];
    private float[] tile = new float[0];
    private float[] aPanel = new float[0];
    private float[] aTiles = new float[0];
    private float[][] bPanels = new float[0][];
    private float[][] rows = new float[0][];
    private final float[][] conv = new float[CONV_SLOTS][0];
    private float[][] convRows = new float[0][];
    private final int[][] convInts = {new int[0], new int[0]};

    /** Buffers of the convolution and pooling kernels ({@link #conv}), apart from those of the products. */
    static final int CONV_SLOTS = 7;

    static Scratch current() {
        return CURRENT.get();
    }

    /** A buffer of at least {@code size} floats with unspecified contents. */
    float[] panel(int size) {
        panelLabel.clear();
        if (panel.length < size) {
            panel = new float[size];
        }
        return panel;
    }

    /**
     * What {@link #panel} holds, as a part of a product labelled it: consecutive parts of one product on this thread
     * that read the same piece of an operand pack it once. Any other use of the panel clears the label.
     */
    Label panelLabel() {
        return panelLabel;
    }

    /** {@link #panel} as it is, for a label {@link #panelLabel} holds. */
    float[] keptPanel() {
        return panel;
    }

    /** {@link #panelLabel} for {@link #aPanel}. */
    Label aPanelLabel() {
        return aPanelLabel;
    }

    /** {@link #aPanel} as it is, for a label {@link #aPanelLabel} holds. */
    float[] keptAPanel() {
        return aPanel;
    }

    /** Which product ({@link GemmCall#serial}, from 1) and which piece of its operand a buffer holds; 0: none. */
    static final class Label {
        private long product;
        private int from;
        private int to;

        boolean is(long product, int from, int to) {
            return this.product == product && this.from == from && this.to == to;
        }

        void set(long product, int from, int to) {
            this.product = product;
            this.from = from;
            this.to = to;
        }

        void clear() {
            product = 0;
        }
    }

    /** A fifth buffer of at least {@code size} floats: the sums over a product's second slice of depth. */
    float[] partial(int size) {
        if (partial.length < size) {
            partial = new float[size];
        }
        return partial;
    }

    /** A second buffer of at least {@code size} floats, distinct from {@link #panel}. */
    float[] tile(int size) {
        if (tile.length < size) {
            tile = new float[size];
        }
        return tile;
    }

    /** A third buffer (a packed left operand) of at least {@code size} floats, distinct from the others. */
    float[] aPanel(int size) {
        aPanelLabel.clear();
        if (aPanel.length < size) {
            aPanel = new float[size];
        }
        return aPanel;
    }

    /**
     * A fourth buffer of at least {@code size} floats: a product's A packed by {@link GemmKernel#prepare} on the
     * calling thread, which every part of that product reads.
     */
    float[] aTiles(int size) {
        if (aTiles.length < size) {
            aTiles = new float[size];
        }
        return aTiles;
    }

    /**
     * At least {@code count} separate arrays of at least {@code size} floats each: a product's B packed by {@link
     * GemmKernel#prepare} on the calling thread, which every part of that product reads.
     */
    float[][] bPanels(int count, int size) {
        bPanels = atLeast(bPanels, count, size);
        return bPanels;
    }

    /** At least {@code count} separate arrays of at least {@code width} floats each, contents unspecified. */
    float[][] rows(int count, int width) {
        rows = atLeast(rows, count, width);
        return rows;
    }

    /** {@code arrays}, or new ones when there are fewer than {@code count} or they are shorter than {@code width}. */
    private static float[][] atLeast(float[][] arrays, int count, int width) {
        if (arrays.length >= count && (count == 0 || arrays[0].length >= width)) {
            return arrays;
        }
        float[][] grown = new float[Math.max(count, arrays.length)][];
        int w = Math.max(width, arrays.length > 0 ? arrays[0].length : 0);
        for (int r = 0; r < grown.length; r++) {
            grown[r] = new float[w];
        }
        return grown;
    }

    /**
     * Buffer {@code slot} (0 to {@link #CONV_SLOTS} - 1) of the convolution kernels, at least {@code size} floats,
     * contents unspecified. Separate from the products' buffers, so a convolution may call a product in between.
     */
    float[] conv(int slot, int size) {
        if (conv[slot].length < size) {
            conv[slot] = new float[size];
        }
        return conv[slot];
    }

    /** Like {@link #rows}, for the plain-Java convolution kernels: at least {@code count} separate arrays of at least {@code width} floats. */
    float[][] convRows(int count, int width) {
        convRows = atLeast(convRows, count, width);
        return convRows;
    }

    /** Int buffer {@code slot} (0 or 1) of at least {@code size}: index tables of the convolution kernels. */
    int[] convInts(int slot, int size) {
        if (convInts[slot].length < size) {
            convInts[slot] = new int[size];
        }
        return convInts[slot];
    }
}
