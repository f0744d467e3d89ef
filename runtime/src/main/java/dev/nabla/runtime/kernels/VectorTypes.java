package dev.nabla.runtime.kernels;

import jdk.incubator.vector.FloatVector;

/**
 * Tells C2 the exact class of a vector that has been through a loop. C2 replaces a Vector API call by its instruction
 * only when it knows the vector's exact class ({@code Float512Vector} and the like) at the call. A value carried by a
 * loop, such as an accumulator after its loop or at the top of each iteration, is typed at that point from the
 * bytecode, as the abstract {@code FloatVector}, and C2 then relies on the receiver types it has profiled. When it
 * compiles a kernel before it has seen the code after a long loop run (a first product with a depth of 784 on two
 * threads, with C1 off as {@code nabla train} runs it, did so in every run tried), the calls fall back to Java code that
 * allocates a box per vector and ran the products 4 to 20 times slower (docs/benchmarks.md, "a loop's vectors typed
 * exactly"). A cast to the constant class lets C2 narrow the type itself: the cast folds away, and the call after it is
 * compiled to the instruction whatever the profile says.
 */
public final class VectorTypes {

    /**
     * The class of the runtime's vectors (every kernel uses the preferred species, OneSpeciesTest). {@code EXACT.cast(v)}
     * is what the kernels write: C2 compiles {@code Class.cast} as an intrinsic, never as a call, so it narrows the type
     * even where it has stopped inlining in a large method (NodeCountInliningCutoff, seen in the 5 x 4 tiles added onto
     * C, where a method doing the same was called out of line and passed its vector boxed).
     */
    public static final Class<? extends FloatVector> EXACT =
            FloatVector.zero(FloatVector.SPECIES_PREFERRED).getClass().asSubclass(FloatVector.class);

    private VectorTypes() {
    }
}
