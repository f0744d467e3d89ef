package dev.nabla.runtime.kernels;

/**
 * Per-thread work space of the kernels (a packed operand panel and a small tile of C). It only grows, so
 * after the first calls with the largest shapes a product allocates nothing.
 */
final class Scratch {

    private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

    private float[] panel = new float[0];
    private float[] tile = new float[0];
    private float[] aPanel = new float[0];
    private float[][] rows = new float[0][];

    static Scratch current() {
        return CURRENT.get();
    }

    /** A buffer of at least {@code size} floats with unspecified contents. */
    float[] panel(int size) {
        if (panel.length < size) {
            panel = new float[size];
        }
        return panel;
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
        if (aPanel.length < size) {
            aPanel = new float[size];
        }
        return aPanel;
    }

    /** At least {@code count} separate arrays of at least {@code width} floats each, contents unspecified. */
    float[][] rows(int count, int width) {
        if (rows.length < count || (count > 0 && rows[0].length < width)) {
            float[][] grown = new float[Math.max(count, rows.length)][];
            int w = Math.max(width, rows.length > 0 ? rows[0].length : 0);
            for (int r = 0; r < grown.length; r++) {
                grown[r] = new float[w];
            }
            rows = grown;
        }
        return rows;
    }
}
