package dev.nabla.runtime.kernels;

/**
 * One implementation family of the pooling kernels. {@link Pool2d} hands each thread a range of planes (one image,
 * one channel); planes are independent, so results do not depend on the thread count.
 */
interface Pool2dKernel {

    /** "vector" or "scalar". */
    String name();

    void maxForward(Pool2dCall call, int plane0, int plane1);

    void maxBackward(Pool2dCall call, int plane0, int plane1);

    void maxGather(Pool2dCall call, int plane0, int plane1);

    void avgForward(Pool2dCall call, int plane0, int plane1);

    void avgBackward(Pool2dCall call, int plane0, int plane1);
}
