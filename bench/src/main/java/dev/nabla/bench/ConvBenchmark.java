package dev.nabla.bench;

import dev.nabla.runtime.kernels.Gemm;
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
 * The convolution and pooling calls of a W2 training step at batch 128 ({@link ConvShapes}), with the Vector API
 * kernels: {@code kernel} is the index of {@link ConvShapes#describe}: 0 conv1 forward, 1 pool1 maxForward, 2 conv2
 * forward, 3 pool2 maxForward, 4 pool2 maxBackward, 5 conv2 inputGrad, 6 conv2 filterGrad+dbias, 7 pool1
 * maxBackward, 8 conv1 filterGrad+dbias; -1 all nine in that order. GFLOP/s = 2 * multiply-adds / time, with the
 * multiply-adds of {@link ConvShapes#fmas} (conv1: 14.7 M, conv2: 26.2 M per call).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class ConvBenchmark {

    @Param({"0", "1", "2", "3", "4", "5", "6", "7", "8", "-1"})
    public int kernel;

    @Param({"1", "2"})
    public int threads;

    private ConvShapes shapes;

    @Setup
    public void setUp() {
        shapes = new ConvShapes(42);
        Gemm.setThreads(threads);
    }

    @Benchmark
    public float run() {
        shapes.run(kernel);
        return shapes.checksum();
    }
}
