package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.kernels.Gemm;
import dev.nabla.runtime.train.ProgressListener;
import dev.nabla.runtime.train.TrainOptions;
import dev.nabla.runtime.train.TrainingRun;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The W2 workload measured exactly as ../shared/peers/torch_bench.py measures PyTorch: one epoch of
 * bench/w2.nabla (the CNN of samples/fashion_cnn.nabla) through the real trainer (batch copy, trainStep,
 * update), samples/s of 3 windows of 79 batches after 40 warm-up batches, their median, and the test accuracy
 * after the epoch. Run by hand (not a test), as bench/race.sh w2 does:
 * {@code java --add-modules jdk.incubator.vector -cp ... W2Bench bench/w2.nabla}. With {@code -Dnabla.health=true} the
 * model is compiled with gradient health, which the trainer then reads every step (bench/health_overhead.sh).
 * With {@code -Dnabla.bench.epochs=N} it trains N epochs and takes the windows in the last: batches 40-277 of the first
 * epoch are still the JIT's warm-up (on this CNN the last training kernels reach C2 after 200-400 batches, later with
 * health, whose update kernels are five times larger), which a comparison of two variants must not measure.
 */
public final class W2Bench {

    private static final int WARM = 40;
    private static final int WINDOW = 79;
    private static final int WINDOWS = 3;

    private W2Bench() {
    }

    public static void main(String[] args) {
        ModelIr model = Compiler.compileFile(Path.of(args.length > 0 ? args[0] : "bench/w2.nabla")).model(null);
        CompiledModel m = ModelCompiler.compile(model, model.config().optimizer(), java.util.Set.of(),
                EmitTarget.inProcess(model.name()).withHealth(Boolean.getBoolean("nabla.health"))).load();
        int epochs = Integer.getInteger("nabla.bench.epochs", 1);
        TrainOptions options = TrainOptions.from(m.spec().train()).withEpochs(epochs);
        List<Long> marks = new ArrayList<>();
        ProgressListener windows = new ProgressListener() {
            private int epoch;

            @Override
            public void epochStarted(int epoch, int epochs, int batches, int samples) {
                this.epoch = epoch;
            }

            @Override
            public void batchDone(int batch, int samplesDone, double runningLoss) {
                // batch counts from 1 in each epoch: marks at the ends of the last epoch's batches 40, 119, 198, 277
                if (epoch == epochs && batch >= WARM && (batch - WARM) % WINDOW == 0 && marks.size() <= WINDOWS) {
                    marks.add(System.nanoTime());
                }
            }
        };
        long t0 = System.nanoTime();
        TrainingRun.Report report = TrainingRun.train(m,
                new TrainingRun.Request(null, null, options, null, null, null, null), windows);
        double epochSeconds = (System.nanoTime() - t0) * 1e-9;
        double[] rates = new double[WINDOWS];
        for (int w = 0; w < WINDOWS; w++) {
            rates[w] = (double) WINDOW * options.batchSize() / ((marks.get(w + 1) - marks.get(w)) * 1e-9);
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        System.out.printf("RESULT {\"workload\": \"W2\", \"peer\": \"nabla\", \"health\": %s, \"epochs\": %d, \"gemm\": \"%s\", \"threads\": %d, "
                        + "\"samples_per_s\": %.1f, \"window_samples_per_s\": [%.1f, %.1f, %.1f], "
                        + "\"epoch_seconds_with_data_loading\": %.2f, \"test_acc\": %.4f}%n",
                Boolean.getBoolean("nabla.health"), epochs, Gemm.implementation(), Gemm.threads(), sorted[1], rates[0], rates[1], rates[2], epochSeconds,
                report.test() == null ? Double.NaN : report.test().accuracy());
    }
}
