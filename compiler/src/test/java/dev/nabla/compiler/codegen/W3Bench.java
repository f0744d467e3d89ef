package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.FrozenPredictor;
import dev.nabla.runtime.kernels.Gemm;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * W3, the W1 MLP in inference through the generated predict with frozen weights ({@link CompiledModel#freeze}):
 * batch-1 latency (median of 10,000 calls after 20,000 warm-up calls) and batch-128 samples/s (median of 5 passes over
 * 78 batches of distinct data, as torch_bench.py). Run by hand like
 * {@link W1Bench}, or by {@code bench/race.sh w3}.
 */
public final class W3Bench {

    private W3Bench() {
    }

    public static void main(String[] args) {
        ModelIr model = Compiler.compileFile(Path.of(args.length > 0 ? args[0] : "samples/fashion_mlp.nabla"))
                .model(null);
        CompiledModel m = ModelCompiler.compile(model, model.config().optimizer()).load();
        float[][] b = m.spec().allocate(128);
        Random r = new Random(1);
        for (int i = 0; i < b.length; i++) {
            BufferSpec s = m.spec().buffers().get(i);
            if (s.role() == BufferRole.INPUT || s.role() == BufferRole.PARAM) {
                for (int k = 0; k < b[i].length; k++) {
                    b[i][k] = (float) (r.nextGaussian() * 0.05);
                }
            }
        }
        // frozen weights, as torch.jit.freeze (PyTorch's TorchScript figure) and the embedded API run inference; with
        // a second argument "plain", the generated predict on the buffers themselves (packing weights in every product)
        boolean plain = args.length > 1 && args[1].equals("plain");
        FrozenPredictor frozen = m.freeze(b);
        Predict f = plain ? m::predict : frozen::predict;
        for (int i = 0; i < 20_000; i++) {
            f.predict(b, 1);
        }
        long[] ns = new long[10_000];
        for (int i = 0; i < ns.length; i++) {
            long t0 = System.nanoTime();
            f.predict(b, 1);
            ns[i] = System.nanoTime() - t0;
        }
        Arrays.sort(ns);
        // Batch 128 as torch_bench.py runs it: passes over the 78 batches of 10,000 test rows, each batch its own
        // data (read from memory, not from a cache that the previous call warmed), 3 passes of warm-up, then the
        // median samples/s of 5 passes.
        int in = m.spec().indicesOf(BufferRole.INPUT).get(0);
        float[][] batches = new float[10_000 / 128][];
        for (int q = 0; q < batches.length; q++) {
            batches[q] = new float[b[in].length];
            for (int k = 0; k < batches[q].length; k++) {
                batches[q][k] = (float) (r.nextGaussian() * 0.05);
            }
        }
        double[] passes = new double[8];
        for (int pass = 0; pass < passes.length; pass++) {
            long t0 = System.nanoTime();
            for (float[] batch : batches) {
                b[in] = batch;
                f.predict(b, 128);
            }
            passes[pass] = batches.length * 128.0 / ((System.nanoTime() - t0) * 1e-9);
        }
        long[] timed = Arrays.stream(passes, 3, passes.length).mapToLong(Math::round).toArray();
        double rate = Arrays.stream(timed).sorted().toArray()[timed.length / 2];
        System.out.printf("RESULT {\"workload\": \"w3\", \"impl\": \"nabla%s\", \"gemm\": \"%s\", \"threads\": %d, "
                + "\"batch1_us\": %.2f, \"batch128_samples_per_s\": %.0f, \"passes\": %s}%n", plain ? " (plain predict)" : "",
                Gemm.implementation(), Gemm.threads(), ns[ns.length / 2] / 1000.0, rate, Arrays.toString(timed));
    }

    /** One way to run the inference graph. */
    private interface Predict {
        void predict(float[][] buffers, int batch);
    }
}
