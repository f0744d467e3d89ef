package dev.nabla.runtime.kernels;

/** Run in a JVM without {@code jdk.incubator.vector} by {@link WithoutVectorModuleTest}: prints the kernel and a product. */
final class WithoutVectorModuleMain {

    private WithoutVectorModuleMain() {
    }

    public static void main(String[] args) {
        float[] c = new float[4];
        Gemm.setThreads(2);
        Gemm.gemm(false, false, 2, 2, 2, new float[] {1, 2, 3, 4}, 0, new float[] {5, 6, 7, 8}, 0, c, 0, false);
        System.out.println(Gemm.implementation() + " " + c[0] + " " + c[1] + " " + c[2] + " " + c[3]);
    }
}
