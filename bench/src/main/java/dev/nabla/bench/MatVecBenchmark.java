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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Batch-1 inference latency: the W1 layers' products with one row, on one thread, with bias+ReLU
 * ({@code forward} runs all three, as the W3 workload does).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class MatVecBenchmark {

    private final float[] x = new float[784];
    private final float[] h1 = new float[256];
    private final float[] h2 = new float[128];
    private final float[] out = new float[10];
    private float[] w1;
    private float[] w2;
    private float[] w3;
    private final float[] b1 = new float[256];
    private final float[] b2 = new float[128];
    private final float[] b3 = new float[10];

    @Setup
    public void setUp() {
        Random r = new Random(2);
        w1 = GemmBenchmark.random(r, 784 * 256);
        w2 = GemmBenchmark.random(r, 256 * 128);
        w3 = GemmBenchmark.random(r, 128 * 10);
        System.arraycopy(GemmBenchmark.random(r, 784), 0, x, 0, 784);
        Gemm.setThreads(1);
    }

    @Benchmark
    public float firstLayer() {
        Gemm.gemmBiasAct(false, 1, 256, 784, x, 0, w1, 0, h1, 0, b1, 0, Gemm.ACT_RELU);
        return h1[0];
    }

    @Benchmark
    public float forward() {
        Gemm.gemmBiasAct(false, 1, 256, 784, x, 0, w1, 0, h1, 0, b1, 0, Gemm.ACT_RELU);
        Gemm.gemmBiasAct(false, 1, 128, 256, h1, 0, w2, 0, h2, 0, b2, 0, Gemm.ACT_RELU);
        Gemm.gemmBiasAct(false, 1, 10, 128, h2, 0, w3, 0, out, 0, b3, 0, Gemm.ACT_NONE);
        return out[0];
    }
}
