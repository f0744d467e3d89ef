package dev.nabla.runtime.kernels;

/**
 * Run in a JVM without {@code jdk.incubator.vector} by {@link WithoutVectorModuleTest}: prints whether the Vector API
 * is on (the module is missing, so it is off whatever {@code nabla.vector} says), the product kernel
 * and a product, then the convolution and pooling families and a convolution, its two gradients and a max pooling
 * with its gradient, all split over two threads.
 */
final class WithoutVectorModuleMain {

    private WithoutVectorModuleMain() {
    }

    public static void main(String[] args) {
        float[] c = new float[4];
        Gemm.setThreads(2);
        Gemm.gemm(false, false, 2, 2, 2, new float[] {1, 2, 3, 4}, 0, new float[] {5, 6, 7, 8}, 0, c, 0, false);
        System.out.println("vector api " + dev.nabla.runtime.VectorApi.enabled());
        System.out.println(Gemm.implementation() + " " + c[0] + " " + c[1] + " " + c[2] + " " + c[3]);

        Conv2d.parallelMinFmas = 0;
        Pool2d.parallelMinElements = 0;
        // Two images of 1 x 3 x 3, a 2 x 2 kernel [[1, 0], [0, -1]], bias 10: every output is 10 + x[i][j] - x[i+1][j+1].
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1};
        float[] w = {1, 0, 0, -1};
        float[] y = new float[8];
        Conv2d.forward(2, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, x, w, new float[] {10}, Gemm.ACT_RELU, y);
        float[] dx = new float[18];
        Conv2d.inputGrad(2, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, new float[] {1, 0, 0, 0, 0, 0, 0, 1}, w, dx);
        float[] dw = new float[4];
        float[] db = new float[1];
        Conv2d.filterGrad(2, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, x, new float[] {1, 0, 0, 0, 0, 0, 0, 1}, dw, db);
        float[] p = new float[2];
        Pool2d.maxForward(2, 1, 3, 3, 2, 2, 1, 1, 2, 2, 0, 0, x, p);
        float[] dp = new float[18];
        Pool2d.maxBackward(2, 1, 3, 3, 2, 2, 1, 1, 2, 2, 0, 0, x, new float[] {1, 2}, dp);
        System.out.println(Conv2d.implementation() + " " + Pool2d.implementation() + " y=" + y[0] + "," + y[7]
                + " dx=" + dx[0] + "," + dx[4] + "," + dx[17] + " dw=" + dw[0] + "," + dw[3] + " db=" + db[0]
                + " pool=" + p[0] + "," + p[1] + " dpool=" + dp[4] + "," + dp[9]);
    }
}
