package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.codegen.ClassEmitter.Family;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.VectorApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model compiled in-process emits the kernel family the JVM runs when it is loaded, and the other family only when
 * something asks for it: its classes through the model's loader, or every class ({@link ModelClasses#classes()}, for
 * a jar), which are then byte for byte those of emitting everything at once.
 */
class LazyFamiliesTest {

    private static final OptimizerSpec SGD = OptimizerSpec.sgd(0.1, 0.9, 0);
    private static final String MAIN = "dev.nabla.generated.Mlp";

    @Test
    void compiling_emitsNoFamily() {
        ModelClasses mc = ModelCompiler.compile(Graphs.mlp(true), SGD);
        assertEquals(Set.of(), mc.emittedFamilies());
        assertTrue(mc.listing().contains("trainStep:"), "the listing needs no class");
        assertEquals(Set.of(), mc.emittedFamilies());
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void load_emitsOnlyTheRunningFamily_andClassesThenEqualAnEagerEmission(boolean vector) {
        assumeVectorModule();
        ModelIr model = Graphs.mlp(true);
        ModelClasses mc = ModelCompiler.compile(model, SGD);
        CompiledModel m = Harness.load(mc, vector);
        Family running = vector ? Family.VECTOR : Family.SCALAR;
        assertEquals(Set.of(running), mc.emittedFamilies(), "emitted by load(), before the first call needs it");
        float[][] b = Harness.randomBuffers(m.spec(), 5, 1);
        m.trainStep(b, 5);
        m.predict(b, 5);
        assertEquals(Set.of(running), mc.emittedFamilies());

        Map<String, byte[]> lazily = mc.classes();
        assertEquals(Set.of(Family.SCALAR, Family.VECTOR), mc.emittedFamilies());
        assertEquals(2, mc.familyEmissions());
        Map<String, byte[]> eagerly = ModelCompiler.compile(model, SGD).classes();
        assertEquals(eagerly.keySet(), lazily.keySet());
        assertTrue(lazily.keySet().containsAll(List.of(MAIN, MAIN + "$S", MAIN + "$S0", MAIN + "$V", MAIN + "$V0")),
                lazily.keySet().toString());
        eagerly.forEach((name, bytes) -> assertArrayEquals(bytes, lazily.get(name), name));
    }

    @Test
    void loadingAClassOfTheOtherFamily_throughTheModelsLoader_emitsIt() throws Exception {
        assumeVectorModule();
        ModelIr model = Graphs.mlp(true);
        ModelClasses mc = ModelCompiler.compile(model, SGD);
        CompiledModel m = Harness.load(mc, true);
        ClassLoader loader = m.getClass().getClassLoader();
        assertThrows(ClassNotFoundException.class, () -> loader.loadClass(MAIN + "$Sx"));
        assertEquals(Set.of(Family.VECTOR), mc.emittedFamilies(), "a name no scalar class can have emits nothing");

        Class<?> scalar = loader.loadClass(MAIN + "$S");
        assertEquals(Set.of(Family.SCALAR, Family.VECTOR), mc.emittedFamilies());
        assertThrows(ClassNotFoundException.class, () -> loader.loadClass(MAIN + "$S99"));
        float[][] b = Harness.randomBuffers(m.spec(), 6, 2);
        scalar.getMethod("predict", float[][].class, int.class).invoke(null, b, 6);
        Harness.assertOutputsMatch(model.inference(), m.spec(), b, 6, 1e-5, 1e-4);
        assertSame(loader, scalar.getClassLoader());
    }

    /** Threads asking for every class and loading the model at once: each family is emitted once. */
    @Test
    void concurrentFirstRequests_emitEachFamilyOnce() throws Exception {
        ModelClasses mc = ModelCompiler.compile(Graphs.mlp(true), SGD);
        int threads = 6;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Map<String, byte[]>>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                boolean loads = i % 3 == 2;
                Callable<Map<String, byte[]>> request = () -> {
                    start.await();
                    if (loads) {
                        mc.load();
                    }
                    return mc.classes();
                };
                results.add(pool.submit(request));
            }
            start.countDown();
            Map<String, byte[]> first = results.get(0).get();
            for (Future<Map<String, byte[]>> r : results) {
                Map<String, byte[]> got = r.get();
                first.forEach((name, bytes) -> assertSame(bytes, got.get(name), name + ": the same emission"));
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(2, mc.familyEmissions());
        assertEquals(Set.of(Family.SCALAR, Family.VECTOR), mc.emittedFamilies());
    }

    /**
     * One rule for the model and the runtime's kernels ({@link VectorApi}): {@code FALSE} switches the model's kernels
     * off as it switches the matrix products off (the generated class once compared with {@code equals}).
     */
    @ParameterizedTest(name = "nabla.vector={0}")
    @CsvSource(value = {"false, false", "FALSE, false", "False, false", "true, true", "TRUE, true", "<absent>, true"})
    void theVectorProperty_picksTheFamily_byTheRuntimesRule(String value, boolean vector) throws Exception {
        assumeVectorModule();
        String property = value.equals("<absent>") ? null : value;
        ModelClasses mc = ModelCompiler.compile(Graphs.mlp(true), SGD);
        CompiledModel m = withProperty(property, mc::load);
        assertEquals(vector, m.getClass().getField("VECTOR").getBoolean(null), "the model's family");
        assertEquals(vector, VectorApi.enabled(property), "the runtime's rule");
        assertEquals(Set.of(vector ? Family.VECTOR : Family.SCALAR), mc.emittedFamilies(), "the family emitted");
    }

    /** The tests choosing the vector family need the module, which the build always adds. */
    private static void assumeVectorModule() {
        assertTrue(ModuleLayer.boot().findModule(VectorApi.MODULE).isPresent(),
                "run with --add-modules " + VectorApi.MODULE);
    }

    private static <T> T withProperty(String value, Supplier<T> action) {
        String old = System.getProperty(VectorApi.PROPERTY);
        set(value);
        try {
            return action.get();
        } finally {
            set(old);
        }
    }

    private static void set(String value) {
        if (value == null) {
            System.clearProperty(VectorApi.PROPERTY);
        } else {
            System.setProperty(VectorApi.PROPERTY, value);
        }
    }
}
