package dev.nabla.bench;

import dev.nabla.runtime.kernels.Gemm;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One matrix product of the W1 shapes, with the Vector API kernels. The shape is
 * {@code <transA><transB>_<m>x<n>x<k>}; GFLOP/s = 2*m*n*k / (time per call). Forward products (NN) carry
 * the fused bias+ReLU epilogue, as generated code calls them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class GemmBenchmark {

    @Param({"NN_128x256x784", "TN_784x256x128", "NT_128x256x128", "NN_128x128x256", "TN_256x128x128",
            "NN_128x10x128", "NT_128x128x10"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private float[] a;
    private float[] b;
    private float[] c;
    private float[] bias;

    @Setup
    public void setUp() {
        transA = shape.charAt(0) == 'T';
        transB = shape.charAt(1) == 'T';
        String[] dims = shape.substring(3).split("x");
        m = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[1]);
        k = Integer.parseInt(dims[2]);
        Random r = new Random(1);
        a = random(r, m * k);
        b = random(r, k * n);
        c = new float[m * n];
        bias = random(r, n);
        Gemm.setThreads(threads);
    }

    static float[] random(Random r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = (float) (r.nextDouble() - 0.5);
        }
        return x;
    }

    @Benchmark
    public float product() {
        if (!transA) {
            Gemm.gemmBiasAct(transB, m, n, k, a, 0, b, 0, c, 0, bias, 0, Gemm.ACT_RELU);
        } else {
            Gemm.gemm(transA, transB, m, n, k, a, 0, b, 0, c, 0, false);
        }
        return c[0];
    }
}
