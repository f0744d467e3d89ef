package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.kernels.Gemm;
import dev.nabla.runtime.train.GradientHealth;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;

/**
 * The W1 training step (MLP 784-256-128-10 from samples/fashion_mlp.nabla, batch 128) through the generated
 * trainStep + update, in samples/s: median of 9 windows of 100 steps after 400 warm-up steps.
 * Run by hand (not a test): {@code java --add-modules jdk.incubator.vector [-Dnabla.vector=false]
 * [-Dnabla.health=true] -cp ... W1Bench}. With {@code nabla.health} the model is compiled with gradient health and each
 * step also does the runtime's per-step reading ({@link GradientHealth}), as nabla train does: bench/health_overhead.sh
 * compares the two.
 */
public final class W1Bench {

    private W1Bench() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args.length > 0 ? args[0] : "samples/fashion_mlp.nabla");
        ModelIr model = Compiler.compileFile(file).model(null);
        boolean measured = Boolean.getBoolean("nabla.health");
        CompiledModel m = ModelCompiler.compile(model, model.config().optimizer(), Set.of(),
                EmitTarget.inProcess(model.name()).withHealth(measured)).load();
        GradientHealth health = GradientHealth.of(m.spec());
        int batch = 128;
        float[][] b = fill(m.spec(), batch);
        float[] hyper = {0.05f, 1, 1};
        for (int s = 0; s < 400; s++) {
            step(m, b, hyper, batch, health);
        }
        double[] rates = new double[9];
        for (int w = 0; w < rates.length; w++) {
            long t0 = System.nanoTime();
            for (int s = 0; s < 100; s++) {
                step(m, b, hyper, batch, health);
            }
            rates[w] = 100.0 * batch / ((System.nanoTime() - t0) * 1e-9);
        }
        Arrays.sort(rates);
        boolean vector;
        try {
            vector = m.getClass().getField("VECTOR").getBoolean(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        System.out.printf("RESULT {\"workload\": \"w1-step\", \"impl\": \"nabla\", \"vector\": %s, \"health\": %s, "
                        + "\"gemm\": \"%s\", \"threads\": %d, \"samples_per_s\": %.0f, \"min\": %.0f, \"max\": %.0f, "
                        + "\"loss\": %.4f}%n",
                vector, health != null, Gemm.implementation(), Gemm.threads(), rates[rates.length / 2], rates[0], rates[rates.length - 1],
                b[m.spec().indexOf("loss")][0]);
    }

    /** One optimizer step as the trainer takes it, with the health reading when {@code health} is given. */
    static void step(CompiledModel m, float[][] b, float[] hyper, int batch, GradientHealth health) {
        m.trainStep(b, batch);
        if (health != null) {
            health.afterTrainStep(b);
        }
        m.update(b, hyper);
        if (health != null) {
            health.afterUpdate(b, false);
        }
        hyper[1]++;
    }

    /**
     * Inputs in [0,1], labels within their classes, He-uniform weights (fan-in: a dense [in, out] matrix's rows, a
     * convolution [out, in, kh, kw] kernel's in * kh * kw), zero biases.
     */
    static float[][] fill(ModelSpec spec, int batch) {
        Random r = new Random(42);
        float[][] b = spec.allocate(batch);
        for (int i = 0; i < b.length; i++) {
            BufferSpec s = spec.buffers().get(i);
            for (int k = 0; k < b[i].length; k++) {
                if (s.role() == BufferRole.INPUT) {
                    b[i][k] = r.nextFloat();
                } else if (s.role() == BufferRole.TARGET) {
                    b[i][k] = r.nextInt(Math.max(1, s.classes()));
                } else if (s.role() == BufferRole.PARAM && s.rank() >= 2) {
                    int fanIn = s.rank() == 2 ? s.shape()[0] : s.size(1) / s.shape()[0];
                    double bound = Math.sqrt(6.0 / fanIn);
                    b[i][k] = (float) ((r.nextDouble() * 2 - 1) * bound);
                }
            }
        }
        return b;
    }
}
