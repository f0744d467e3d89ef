package dev.nabla.runtime.kernels;

/**
 * One implementation family of the convolution kernels: the Vector API one or plain Java. {@link Conv2d} cuts a call
 * into ranges of images (chunks of {@link Conv2d#CHUNK} images for the filter gradient) and hands them to threads;
 * each method computes its range with the same operations whichever thread runs it, so results do not depend on the
 * thread count. Nothing may be allocated after warm-up (per-thread {@link Scratch} buffers only grow).
 */
interface Conv2dKernel {

    /** "vector" or "scalar". */
    String name();

    /**
     * Called on the calling thread before operation {@code op} ({@link Conv2d#FORWARD}, {@link Conv2d#INPUT_GRAD},
     * {@link Conv2d#FILTER_GRAD}) is cut into parts: per-call preparation shared by all parts, such as the weights
     * rearranged for the products, kept in the caller's {@link Scratch} slots {@link Conv2d#SLOT_CALL_A} and
     * {@link Conv2d#SLOT_CALL_B} and referenced from the call.
     */
    void prepare(Conv2dCall call, int op);

    /** {@code y} for images {@code [b0, b1)}. */
    void forward(Conv2dCall call, int b0, int b1);

    /** {@code dx} for images {@code [b0, b1)} (each image's {@code dx} is overwritten). */
    void inputGrad(Conv2dCall call, int b0, int b1);

    /**
     * The filter gradient summed over images {@code [b0, b1)} only, written to {@code out[off .. off + o*k)}, and
     * when {@code call.dbias != null} the bias gradient to {@code out[off + o*k .. off + o*k + o)}; overwrites.
     */
    void filterGrad(Conv2dCall call, int b0, int b1, float[] out, int off);

    /**
     * {@code dst[e] = part[off + e] + part[off + stride + e] + ... + part[off + (count-1)*stride + e]} for
     * {@code e < len}, added in that order: the chunks' partial filter gradients summed in chunk order.
     */
    void sumPartials(float[] part, int off, int stride, int count, float[] dst, int len);
}
