package dev.nabla.runtime.kernels;

/**
 * The child of {@link StingyInliningTest}: prints the bytes that products over every path allocate after warm-up, in a
 * JVM whose C2 was told not to inline some of the Vector API's own helpers.
 */
public final class StingyInliningMain {

    private StingyInliningMain() {
    }

    public static void main(String[] args) {
        Gemm.setThreads(Integer.parseInt(args[0]));
        Gemm.parallelMinFmas = 0;
        System.out.println("allocated " + GemmAllocationTest.allocatedPerRound(VectorGemm.INSTANCE) + " bytes");
    }
}
