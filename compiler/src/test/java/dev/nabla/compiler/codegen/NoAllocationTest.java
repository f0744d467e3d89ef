package dev.nabla.compiler.codegen;

import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.OptimizerSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After warm-up (JIT-compiled kernels), predict (plain and through a {@link dev.nabla.runtime.FrozenPredictor}),
 * trainStep, update and the fused trainAndUpdate allocate nothing on the calling thread.
 */
class NoAllocationTest {

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void kernelCallsAllocateNothingAfterWarmUp(boolean vector) {
        CompiledModel m = Harness.load(ModelCompiler.compile(Graphs.mlp(true),
                new OptimizerSpec(OptimizerSpec.Kind.ADAM, 1e-3, 0, 0.9, 0.999, 0.99, 1e-8, 0)), vector);
        assertEquals(0, allocatedAfterWarmUp(m, 1e-3f, 5_000, 200),
                "bytes allocated by 200 rounds of frozen predict + predict + trainStep + update + trainAndUpdate");
    }

    /**
     * Bytes the calling thread allocates in {@code measured} rounds of predict + trainStep + update, after
     * {@code warm} rounds; warm-up is repeated (up to 20 times) until a measurement reads zero, so that late JIT
     * compilation does not count.
     */
    static long allocatedAfterWarmUp(CompiledModel m, float lr, int warm, int measured) {
        float[][] b = Harness.randomBuffers(m.spec(), 24, 5);
        float[] hyper = {lr, 1, 1};
        dev.nabla.runtime.FrozenPredictor frozen = m.freeze(b);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long allocated = -1;
        for (int round = 0; round < 20 && allocated != 0; round++) {
            run(m, frozen, b, hyper, warm);
            long before = mx.getThreadAllocatedBytes(tid);
            run(m, frozen, b, hyper, measured);
            allocated = mx.getThreadAllocatedBytes(tid) - before;
        }
        return allocated;
    }

    /**
     * A small CNN (conv, bias, ReLU, both poolings, dense) whose training step calls every window kernel; measured in
     * a fresh JVM like the batch-norm model below.
     */
    static final String CNN = """
            model SmallCnn {
                input image : f32[B, 2, 12, 12]
                target label : i32[B] classes 4
                c1 = conv2d(image, 4, 3, padding = "same", activation = relu)
                p1 = max_pool2d(c1, 2)
                c2 = conv2d(p1, 6, 3, stride = 2, activation = relu)
                p2 = avg_pool2d(c2, 2, stride = 1)
                logits = dense(flatten(p2), 4)
                output probs = softmax(logits)
                loss = cross_entropy(logits, label) + l2(weights, 1e-4)
            }
            """;

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void convolutionalModelsAllocateNothingAfterWarmUp(boolean vector) throws Exception {
        assertChildAllocatesNothing("cnn", vector);
    }

    /**
     * Batch norm over features and over channels: its running statistics are copied into their STATE buffers at the
     * end of trainStep. Measured in a fresh JVM: after the rest of the codegen suite has run, the Vector API's
     * intrinsics are sometimes not inlined into small generated kernels (JFR shows FloatVector's Java fallbacks,
     * ldOp and tOpTemplate, allocating), with or without batch norm; a fresh JVM measures the generated code alone.
     */
    static final String BATCH_NORM = """
            model Normed {
                input image : f32[B, 2, 6, 6]
                target label : i32[B] classes 4
                n1 = batch_norm(image)
                h = dense(flatten(n1), 16)
                n2 = batch_norm(relu(h), momentum = 0.2, affine = false)
                logits = dense(n2, 4)
                output probs = softmax(logits)
                loss = cross_entropy(logits, label)
            }
            """;

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void batchNormAllocatesNothingAfterWarmUp(boolean vector) throws Exception {
        assertChildAllocatesNothing("batch_norm", vector);
    }

    /**
     * Random draws (dropout's mask, Gaussian dropout's noise, computed by the runtime's generator per element), the
     * step state they advance, and a GRU's slices and concatenations.
     */
    static final String RANDOM_AND_SEQUENCES = """
            model Dropped {
                input seq : f32[B, 6, 5]
                target label : i32[B] classes 4
                states = gru(seq, 8, return_sequences = true)
                last = states[:, -1, :]
                h = dropout(relu(dense(concat([last, seq[:, 0, :]], axis = 1), 32)), 0.3)
                logits = dense(gaussian_dropout(h, 0.2), 4)
                output probs = softmax(logits)
                loss = cross_entropy(logits, label)
            }
            """;

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void dropoutAndSequencesAllocateNothingAfterWarmUp(boolean vector) throws Exception {
        assertChildAllocatesNothing("random", vector);
    }

    /**
     * Compiled with gradient health, as {@code nabla train} compiles: the update kernels sum g^2, w^2 and (delta w)^2
     * per block of 1024 elements (h.W has 39 blocks and a remainder, 40,000 elements: enough to be split over threads), and the fused step runs
     * them between the training step's kernels.
     */
    static final String HEALTH = """
            model Measured {
                input x : f32[B, 200]
                target label : i32[B] classes 4
                h = dense(x, 200, activation = relu)
                logits = dense(h, 4)
                output probs = softmax(logits)
                loss = cross_entropy(logits, label)
            }
            """;

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void healthSumsAndTheFusedStepAllocateNothingAfterWarmUp(boolean vector) throws Exception {
        assertChildAllocatesNothing("health", vector);
    }

    /**
     * W1's layers in a JVM with C1 off, as {@code nabla train} runs: C2 then compiles from the interpreter's profiles,
     * which had not seen the code after a long loop run, and typed the vectors a loop carries (a product's accumulators,
     * the partial sums of a generated reduction) as the abstract FloatVector. Before the kernels told it their exact
     * class (VectorTypes.EXACT) the products' tiles and the generated reductions fell back to allocating Java code.
     */
    static final String WIDE = """
            model Wide {
                input image : f32[B, 784]
                target label : i32[B] classes 10
                hidden1 = dense(image, 256, activation = relu)
                hidden2 = dense(hidden1, 128, activation = relu)
                logits = dense(hidden2, 10)
                output probs = softmax(logits)
                loss = cross_entropy(logits, label) + l2(weights, 1e-4)
            }
            """;

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void wideModelAllocatesNothingWithC2Alone(boolean vector) throws Exception {
        assertChildAllocatesNothing("wide", vector, "-XX:-TieredCompilation");
    }

    /** Runs {@link #main} in a fresh JVM for one of the models above. */
    private static void assertChildAllocatesNothing(String model, boolean vector, String... jvmOptions)
            throws Exception {
        List<String> options = new java.util.ArrayList<>(List.of("--add-modules", "jdk.incubator.vector"));
        options.addAll(List.of(jvmOptions));
        String out = Harness.runInChildJvm(NoAllocationTest.class, 120, options, model, String.valueOf(vector));
        assertTrue(out.contains("allocated 0 bytes"), out);
    }

    /**
     * The child of {@link #assertChildAllocatesNothing}: args {@code cnn|batch_norm|random|health|wide} and the vector
     * flag; prints the bytes 100 rounds allocate.
     */
    public static void main(String[] args) {
        String source = switch (args[0]) {
            case "cnn" -> CNN;
            case "batch_norm" -> BATCH_NORM;
            case "health" -> HEALTH;
            case "wide" -> WIDE;
            default -> RANDOM_AND_SEQUENCES;
        };
        dev.nabla.compiler.Compilation c = dev.nabla.compiler.Compiler.compileSource(args[0] + ".nabla", source);
        if (!c.ok()) {
            throw new IllegalStateException(c.render());
        }
        dev.nabla.compiler.ModelIr model = c.model(null);
        EmitTarget target = EmitTarget.inProcess(model.name()).withHealth(args[0].equals("health"));
        CompiledModel m = Harness.load(ModelCompiler.compile(model, OptimizerSpec.sgd(0.05, 0.9, 0), java.util.Set.of(),
                target), Boolean.parseBoolean(args[1]));
        long allocated = allocatedAfterWarmUp(m, 0.05f, 1_000, 100);
        System.out.println("100 rounds of frozen predict + predict + trainStep + update + trainAndUpdate allocated "
                + allocated + " bytes");
    }

    private static void run(CompiledModel m, dev.nabla.runtime.FrozenPredictor frozen, float[][] b, float[] hyper,
                            int n) {
        for (int i = 0; i < n; i++) {
            frozen.predict(b, 24);
            m.predict(b, 24);
            m.trainStep(b, 24);
            hyper[1] = 1 + i % 50;
            m.update(b, hyper);
            m.trainAndUpdate(b, 24, hyper);
        }
    }
}
