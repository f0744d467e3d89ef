package dev.nabla.cli;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.checkpoint.Safetensors;
import dev.nabla.runtime.data.DataLoader;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.embed.EmbeddedModel;
import dev.nabla.runtime.embed.JarMain;
import dev.nabla.runtime.embed.ModelManifest;
import dev.nabla.runtime.embed.ModelTrainer;
import dev.nabla.runtime.train.TrainOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generated façade of a small iris classifier with dropout (ResumeWithDropoutCommandTest's): fine-tuning equals {@code nabla train --init},
 * concurrent predictions, no allocation once warm, inference-only jars, and the messages of its user errors.
 */
class EmbeddedFacadeTest {

    /** A dropout model on iris: the trainer's random draws and Adam's state must continue from the weights. */
    private static final String MODEL = ResumeWithDropoutCommandTest.MODEL;
    private static final String FACADE = "test.iris.DroppedIris";

    @TempDir
    static Path dir;
    static Path source;
    static Path csv;
    static Path base;
    static Path jar;
    static URLClassLoader loader;

    @BeforeAll
    static void compile() throws Exception {
        csv = Path.of("../samples/data/iris.csv").toAbsolutePath().normalize();
        source = Files.writeString(dir.resolve("dropped_iris.nabla"), MODEL.formatted(csv.toString().replace("\\", "/")));
        base = dir.resolve("base.safetensors");
        run("train", source.toString(), "--epochs", "1", "--save", base.toString());
        jar = dir.resolve("iris.jar");
        EmbeddedJars.compile(source.toString(), "--weights", base.toString(), "--package", "test.iris", "-o", jar.toString());
        // the runtime comes from this test's class loader, so the façade's base class is the one imported here
        loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, EmbeddedFacadeTest.class.getClassLoader());
    }

    @AfterAll
    static void close() throws Exception {
        loader.close();
    }

    private static void run(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exit(), r.err());
    }

    private static EmbeddedJars.Facade load() throws Throwable {
        return EmbeddedJars.Facade.load(loader, FACADE);
    }

    @Test
    void fineTuningThroughTheFacade_givesTheWeightsOfNablaTrainInit() throws Throwable {
        Path cli = dir.resolve("cli.safetensors");
        run("train", source.toString(), "--init", base.toString(), "--epochs", "2", "--seed", "9", "--save", cli.toString());

        EmbeddedJars.Facade f = load();
        EmbeddedModel model = (EmbeddedModel) f.model();
        TrainOptions options = model.trainOptions().withEpochs(2).withSeed(9);
        Object trainer = f.handle("trainer", loader.loadClass(FACADE + "$Trainer"), TrainOptions.class).invoke(options);
        Dataset iris = DataLoader.load(DataLoader.parse(csv.toString(), Path.of(".")));
        float[] x = iris.inputs().get(0).values();
        int[] species = new int[iris.rows()];
        for (int r = 0; r < species.length; r++) {
            species[r] = (int) iris.target(r, 0);
        }
        MethodHandle fit = EmbeddedJars.Facade.handle(trainer, "fit", dev.nabla.runtime.train.TrainResult.class,
                float[].class, int[].class, int.class);
        fit.invoke(x, species, iris.rows());
        Path tuned = dir.resolve("tuned.safetensors");
        model.save(tuned);

        Map<String, Safetensors.Tensor> want = Safetensors.read(cli).tensors();
        Map<String, Safetensors.Tensor> got = Safetensors.read(tuned).tensors();
        assertEquals(want.keySet(), got.keySet());
        want.forEach((name, t) -> assertArrayEquals(t.data(), got.get(name).data(), name));
        assertFalse(Arrays.equals(want.get("dense.W").data(), Safetensors.read(base).tensors().get("dense.W").data()),
                "fine-tuning changed the weights");
        assertEquals(Safetensors.read(cli).metadata().get("step"), Safetensors.read(tuned).metadata().get("step"));
        // and the fine-tuned instance predicts with its new weights, as a fresh load of them does
        float[] one = Arrays.copyOf(x, 4);
        assertArrayEquals(f.predict(one, 1, 3), EmbeddedJars.Facade.load(loader, FACADE, tuned).predict(one, 1, 3));
    }

    @Test
    void nablaTrainInit_keepsThePreprocessingOfTheCheckpoint_onOtherData() throws Exception {
        List<String> lines = Files.readAllLines(csv);
        Path setosa = Files.write(dir.resolve("setosa.csv"), lines.subList(1, 51));
        Path tuned = dir.resolve("setosa.safetensors");
        run("train", source.toString(), "--init", base.toString(), "--data", setosa.toString(), "--epochs", "1",
                "--save", tuned.toString());
        Map<String, String> before = Safetensors.read(base).metadata();
        Map<String, String> after = Safetensors.read(tuned).metadata();
        assertEquals(before.get("preprocess.mean"), after.get("preprocess.mean"));
        assertEquals(before.get("preprocess.std"), after.get("preprocess.std"));
    }

    @Test
    void aModelOfTwoInputsAndTwoOutputs_getsOneParameterPerInput_andOneMethodPerOutput() throws Throwable {
        Path pair = Files.writeString(dir.resolve("pair.nabla"), MultiInputDataCommandTest.PAIR.formatted(
                "npy(seq = \"seq.npy\", extra = \"extra.npy\", size = \"size.npy\", y = \"labels.npy\")"));
        dev.nabla.compiler.ModelIr ir = dev.nabla.compiler.Compiler.compileFile(pair).models().get(0);
        CompiledModel reference = dev.nabla.compiler.codegen.ModelCompiler.compile(ir, ir.config().optimizer()).load();
        ModelSpec spec = reference.spec();
        float[][] buffers = spec.allocate(1);
        dev.nabla.runtime.init.Initializer.initialize(spec, buffers, 4);
        Path weights = dir.resolve("pair.safetensors");
        dev.nabla.runtime.checkpoint.Checkpoint.save(weights, spec, buffers, Map.of("model", "Pair"));
        Path pairJar = dir.resolve("pair.jar");
        EmbeddedJars.compile(pair.toString(), "--weights", weights.toString(), "--package", "test.pair", "-o", pairJar.toString());

        float[] seq = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] extra = {0.5f, -1, 2};
        System.arraycopy(seq, 0, buffers[spec.indexOf("seq")], 0, 8);
        System.arraycopy(extra, 0, buffers[spec.indexOf("extra")], 0, 3);
        reference.predict(buffers, 1);
        try (URLClassLoader l = new URLClassLoader(new URL[] {pairJar.toUri().toURL()}, getClass().getClassLoader())) {
            EmbeddedJars.Facade f = EmbeddedJars.Facade.load(l, "test.pair.Pair");
            float[] probs = (float[]) f.handle("predict", float[].class, float[].class, float[].class).invoke(seq, extra);
            float[] amount = (float[]) f.handle("predictAmount", float[].class, float[].class, float[].class).invoke(seq, extra);
            assertArrayEquals(Arrays.copyOf(buffers[spec.indexOf("probs")], 2), probs);
            assertArrayEquals(Arrays.copyOf(buffers[spec.indexOf("amount")], 1), amount);
            float[] out = new float[1];
            f.handle("predictAmount", void.class, float[].class, float[].class, int.class, float[].class).invoke(seq, extra, 1, out);
            assertArrayEquals(amount, out);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> f.handle("predictProbs", float[].class, float[].class, float[].class).invoke(seq, new float[4]));
            assertEquals("Pair: input extra f32[B, 3] takes 3 values per example, got 4 values", e.getMessage());
            assertEquals(List.of("fit"), Arrays.stream(l.loadClass("test.pair.Pair$Trainer").getDeclaredMethods())
                    .filter(m -> java.lang.reflect.Modifier.isPublic(m.getModifiers())).map(java.lang.reflect.Method::getName).toList());
            assertEquals("public dev.nabla.runtime.train.TrainResult test.pair.Pair$Trainer.fit(float[],float[],float[],int[],int)",
                    l.loadClass("test.pair.Pair$Trainer").getMethod("fit", float[].class, float[].class, float[].class,
                            int[].class, int.class).toString());
        }
    }

    @Test
    void concurrentPredictions_equalSequentialOnes() throws Throwable {
        EmbeddedJars.Facade f = load();
        int examples = 64;
        float[] x = new float[examples * 4];
        Random r = new Random(5);
        for (int i = 0; i < x.length; i++) {
            x[i] = 8 * r.nextFloat();
        }
        float[] sequential = f.predict(x, examples, 3);
        MethodHandle predict = f.handle("predict", void.class, float[].class, int.class, float[].class);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    float[] out = new float[3 * 8];
                    int checked = 0;
                    for (int round = 0; round < 400; round++) {
                        int from = (round * 7 + thread * 13) % (examples - 8);
                        int count = 1 + (round + thread) % 8;
                        try {
                            predict.invokeExact(Arrays.copyOfRange(x, from * 4, (from + count) * 4), count, out);
                        } catch (Throwable e) {
                            throw new AssertionError(e);
                        }
                        assertArrayEquals(Arrays.copyOfRange(sequential, from * 3, (from + count) * 3),
                                Arrays.copyOf(out, count * 3), "thread " + thread + " round " + round);
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> done : results) {
                assertEquals(400, done.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void predictIntoTheCallersArray_allocatesNothingOnceWarm() throws Throwable {
        EmbeddedJars.Facade f = load();
        MethodHandle predict = f.handle("predict", void.class, float[].class, int.class, float[].class);
        MethodHandle classify = f.handle("classify", int.class, float[].class);
        float[] x = new float[16 * 4];
        Arrays.fill(x, 1.5f);
        float[] out = new float[16 * 3];
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long allocated = -1;
        int label = 0;
        for (int attempt = 0; attempt < 20 && allocated != 0; attempt++) {
            for (int i = 0; i < 20_000; i++) {
                predict.invokeExact(x, 16, out);
                predict.invokeExact(x, 1, out);
                label += (int) classify.invokeExact(Arrays.copyOf(x, 4));
            }
            float[] one = Arrays.copyOf(x, 4);
            long before = mx.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 200; i++) {
                predict.invokeExact(x, 16, out);
                predict.invokeExact(x, 1, out);
                label += (int) classify.invokeExact(one);
            }
            allocated = mx.getThreadAllocatedBytes(thread) - before;
        }
        assertEquals(0, allocated, "bytes allocated by 200 rounds of predict(x, 16, out), predict(x, 1, out), classify(x)");
        assertTrue(label >= 0);
    }

    @Test
    void wrongInputLength_isAnIllegalArgumentExceptionStatingTheShape() throws Throwable {
        EmbeddedJars.Facade f = load();
        MethodHandle one = f.handle("predict", float[].class, float[].class);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> one.invoke(new float[5]));
        assertEquals("DroppedIris: input x f32[B, 4] takes 4 values per example, got 5 values", e.getMessage());
        MethodHandle batch = f.handle("predict", void.class, float[].class, int.class, float[].class);
        e = assertThrows(IllegalArgumentException.class, () -> batch.invoke(new float[7], 2, new float[6]));
        assertEquals("DroppedIris: input x f32[B, 4] takes 4 values per example, so 2 examples need 8 values, got 7",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> batch.invoke(new float[8], 2, new float[5]));
        assertTrue(e.getMessage().contains("output probs f32[B, 3] has 3 values per example, so 2 examples need room for 6"),
                e.getMessage());
    }

    @Test
    void aJarWithoutWeights_saysSoOnLoad_andLoadsACheckpoint() throws Throwable {
        Path bare = dir.resolve("bare.jar");
        EmbeddedJars.compile(source.toString(), "--package", "test.bare", "-o", bare.toString());
        try (URLClassLoader l = EmbeddedJars.runtimeOnly(bare)) {
            Throwable e = assertThrows(Throwable.class, () -> EmbeddedJars.Facade.load(l, "test.bare.DroppedIris"));
            assertEquals("dev.nabla.runtime.NablaException", e.getClass().getName());
            assertTrue(e.getMessage().startsWith("model DroppedIris has no weights on the class path (resource"
                    + " test/bare/DroppedIris.safetensors is missing): compile it with --weights CKPT"), e.getMessage());
            float[] x = {5.1f, 3.5f, 1.4f, 0.2f};
            assertArrayEquals(load().predict(x, 1, 3), EmbeddedJars.Facade.load(l, "test.bare.DroppedIris", base).predict(x, 1, 3));
        }
    }

    @Test
    void aCheckpointOfAnotherModel_isRefusedWithAClearMessage() throws Throwable {
        ModelSpec digits = EmbeddedJars.spec(Path.of("../samples/digits.nabla"));
        Path other = EmbeddedJars.initialCheckpoint(digits, dir.resolve("digits.safetensors"), 1);
        NablaException e = assertThrows(NablaException.class, () -> EmbeddedJars.Facade.load(loader, FACADE, other));
        assertEquals(other + ": tensor \"hidden.W\" is not a parameter of model DroppedIris (was the checkpoint saved"
                + " from another model?)", e.getMessage());

        CliRun compile = CliRun.of("compile", source.toString(), "--weights", other.toString(), "-o", dir.resolve("x.jar").toString());
        assertEquals(1, compile.exit());
        assertEquals("nabla: error: " + e.getMessage(), compile.err().strip());
        assertFalse(Files.exists(dir.resolve("x.jar")));
    }

    @Test
    void badCompileOptions_areUserErrors() {
        CliRun pkg = CliRun.of("compile", source.toString(), "--package", "com.2bad", "-o", dir.resolve("y.jar").toString());
        assertEquals(1, pkg.exit());
        assertEquals("nabla: error: --package com.2bad is not a Java package name (e.g. com.example.models)", pkg.err().strip());
        CliRun noJar = CliRun.of("compile", source.toString(), "--self-contained");
        assertEquals(1, noJar.exit());
        assertTrue(noJar.err().contains("go with -o JAR"), noJar.err());
        CliRun missing = CliRun.of("compile", source.toString(), "--weights", "nope.safetensors", "-o", dir.resolve("z.jar").toString());
        assertEquals("nabla: error: no such checkpoint: nope.safetensors", missing.err().strip());
    }

    @Test
    void anInferenceOnlyJar_predictsTheSame_andHasNoTrainingKernels() throws Throwable {
        Path small = dir.resolve("small.jar");
        EmbeddedJars.compile(source.toString(), "--weights", base.toString(), "--package", "test.small", "--inference-only",
                "-o", small.toString());
        try (URLClassLoader l = new URLClassLoader(new URL[] {small.toUri().toURL()}, getClass().getClassLoader())) {
            EmbeddedJars.Facade f = EmbeddedJars.Facade.load(l, "test.small.DroppedIris");
            float[] x = {6.3f, 2.9f, 5.6f, 1.8f, 5.0f, 3.4f, 1.5f, 0.2f};
            assertArrayEquals(load().predict(x, 2, 3), f.predict(x, 2, 3));
            assertThrows(NoSuchMethodException.class, () -> f.model().getClass().getMethod("trainer"));
            ModelManifest manifest = ((EmbeddedModel) f.model()).manifest();
            assertTrue(manifest.inferenceOnly());
            ModelSpec spec = manifest.spec();
            assertTrue(spec.indicesOf(BufferRole.GRAD).isEmpty() && spec.indicesOf(BufferRole.OPT_STATE).isEmpty());
            CompiledModel kernels = (CompiledModel) l.loadClass("test.small.DroppedIrisKernels").getConstructor().newInstance();
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> kernels.trainStep(spec.allocate(1), 1));
            assertEquals("model DroppedIris was compiled for inference only: it has no trainStep kernels", e.getMessage());
            assertTrue(Files.size(small) < Files.size(jar), "no training kernels, optimizer state or its weights");
            NablaException refused = assertThrows(NablaException.class,
                    () -> new ModelTrainer((EmbeddedModel) f.model(), TrainOptions.from(spec.train())) { });
            assertEquals("model DroppedIris was compiled with --inference-only: its jar has no training kernels; compile it"
                    + " without --inference-only to fine-tune it", refused.getMessage());
        }
    }

    @Test
    void jarMain_printsTheManifest_andReportsABadInputInOneLine() throws Throwable {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        PrintStream out = System.out;
        PrintStream err = System.err;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        Thread.currentThread().setContextClassLoader(loader);
        System.setOut(new PrintStream(printed, true));
        System.setErr(new PrintStream(errors, true));
        try {
            assertEquals(0, JarMain.run("info"));
            assertEquals(1, JarMain.run("predict", dir.resolve("missing.csv").toString()));
            assertEquals(1, JarMain.run("predict", csv.toString(), "--model", "Nope"));
        } finally {
            Thread.currentThread().setContextClassLoader(context);
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals(((EmbeddedModel) load().model()).manifest().toJson(), printed.toString());
        assertEquals(List.of("error: " + dir.resolve("missing.csv") + ": data file not found",
                "error: no model named Nope (models: [" + FACADE + "])"), errors.toString().lines().toList());
    }

    @Test
    void theManifestDescribesTheModel() throws Throwable {
        ModelManifest m = ((EmbeddedModel) load().model()).manifest();
        assertEquals("DroppedIris", m.model());
        assertEquals(FACADE + "Kernels", m.kernels());
        assertEquals(source.toString(), m.sourceFile());
        assertEquals(1, m.sourceLine());
        assertEquals(List.of("setosa", "versicolor", "virginica"), m.classNames());
        assertTrue(m.preprocess().containsKey("preprocess.mean"), m.preprocess().toString());
        String json = m.toJson();
        assertTrue(json.contains("\"inputs\":[{\"name\":\"x\",\"shape\":[\"B\",4]}]"), json);
        assertTrue(json.contains("\"outputs\":[{\"name\":\"probs\",\"shape\":[\"B\",3]}]"), json);
        assertTrue(json.contains("\"compiler\":\"0.1.0-SNAPSHOT\""), json);
        assertTrue(json.contains("{\"name\":\"dense.W\",\"shape\":[4,16]}"), json);
    }

    @Test
    void theFacadeSourceInTheJar_documentsTheModel() throws Exception {
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
            String src = new String(j.getInputStream(j.getEntry("test/iris/DroppedIris.java")).readAllBytes());
            assertTrue(src.contains(" * <li>Input {@code x} (line 2): {@code f32[B, 4]}, 4 values per example, raw:"), src);
            assertTrue(src.contains("3 classes: 0 = setosa, 1 = versicolor, 2 = virginica"), src);
            assertTrue(src.contains("public static final int X_SIZE = 4;"), src);
            assertTrue(src.contains("public TrainResult fit(float[] x, int[] species, int count)"), src);
        }
    }

}
