package dev.nabla.cli;

import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.codegen.ModelCompiler;
import dev.nabla.compiler.embed.FacadeCompiler;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.checkpoint.Checkpoint;
import dev.nabla.runtime.init.Initializer;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Helpers of the compiled-jar tests: jars, checkpoints and inputs made for a model, façades called by handle. */
final class EmbeddedJars {

    private EmbeddedJars() {
    }

    static ModelSpec spec(Path source) {
        ModelIr m = Compiler.compileFile(source).models().get(0);
        return ModelCompiler.compile(m, m.config().optimizer()).spec();
    }

    /**
     * A checkpoint of freshly initialised weights with preprocessing metadata (divide by 3, then standardize with
     * made-up statistics), so that the jar's built-in preprocessing is exercised without training.
     */
    static Path initialCheckpoint(ModelSpec spec, Path file, long seed) {
        float[][] buffers = spec.allocate(1);
        Initializer.initialize(spec, buffers, seed);
        int width = spec.buffers().get(spec.indicesOf(BufferRole.INPUT).get(0)).rowSize();
        Random r = new Random(seed);
        StringBuilder mean = new StringBuilder();
        StringBuilder std = new StringBuilder();
        for (int j = 0; j < width; j++) {
            mean.append(j > 0 ? "," : "").append((float) r.nextGaussian() * 0.1f);
            std.append(j > 0 ? "," : "").append(0.5f + r.nextFloat());
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "nabla");
        meta.put("model", spec.name());
        meta.put("preprocess.divisor", "3.0");
        meta.put("preprocess.mean", mean.toString());
        meta.put("preprocess.std", std.toString());
        Checkpoint.save(file, spec, buffers, meta);
        return file;
    }

    /** {@code rows} CSV lines of {@code width} random values (no label column). */
    static float[] writeInputs(Path csv, int rows, int width, long seed) throws IOException {
        Random r = new Random(seed);
        float[] values = new float[rows * width];
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < width; j++) {
                values[i * width + j] = r.nextInt(2000) / 100f;
                s.append(j > 0 ? "," : "").append(values[i * width + j]);
            }
            s.append('\n');
        }
        Files.writeString(csv, s);
        return values;
    }

    /** The values of {@code nabla predict}'s CSV (the class column, if any, left out), row after row. */
    static float[] csvValues(String csv) {
        String[] lines = csv.strip().split("\n");
        boolean classes = lines[0].startsWith("class");
        List<Float> out = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",");
            for (int j = classes ? 1 : 0; j < cells.length; j++) {
                out.add(Float.parseFloat(cells[j]));
            }
        }
        float[] v = new float[out.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = out.get(i);
        }
        return v;
    }

    /** {@code nabla compile ARGS}, which must succeed. */
    static void compile(String... args) {
        List<String> all = new ArrayList<>(List.of("compile"));
        all.addAll(List.of(args));
        CliRun run = CliRun.of(all.toArray(new String[0]));
        assertEquals(0, run.exit(), run.err());
    }

    /** A class loader with the jar and the runtime only: no compiler, ASM, ANTLR or picocli. */
    static URLClassLoader runtimeOnly(Path jar) throws IOException {
        return new URLClassLoader(new URL[] {jar.toUri().toURL(), Path.of(FacadeCompiler.runtimeLocation()).toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
    }

    /** A façade instance from another class loader, called through method handles. */
    record Facade(Object model) {

        static Facade load(ClassLoader loader, String facade) throws Throwable {
            Class<?> c = loader.loadClass(facade);
            return new Facade(MethodHandles.publicLookup().findStatic(c, "load", MethodType.methodType(c)).invoke());
        }

        static Facade load(ClassLoader loader, String facade, Path checkpoint) throws Throwable {
            Class<?> c = loader.loadClass(facade);
            return new Facade(MethodHandles.publicLookup().findStatic(c, "load", MethodType.methodType(c, Path.class))
                    .invoke(checkpoint));
        }

        MethodHandle handle(String name, Class<?> returns, Class<?>... params) throws ReflectiveOperationException {
            return handle(model, name, returns, params);
        }

        /** Public method {@code name} of {@code target}, bound to it. */
        static MethodHandle handle(Object target, String name, Class<?> returns, Class<?>... params)
                throws ReflectiveOperationException {
            return MethodHandles.publicLookup().findVirtual(target.getClass(), name, MethodType.methodType(returns, params))
                    .bindTo(target);
        }

        float[] predict(float[] inputs, int count, int width) throws Throwable {
            float[] out = new float[count * width];
            handle("predict", void.class, float[].class, int.class, float[].class).invoke(inputs, count, out);
            return out;
        }
    }
}
