package dev.nabla.cli;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.ModelSpec;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every sample compiled to a jar predicts exactly what {@code nabla predict} prints for the same weights and inputs:
 * in a class loader with only the runtime beside the jar, and in a separate JVM running the self-contained jar alone.
 */
class EmbeddedJarSamplesTest {

    static Stream<Path> samples() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("../samples"))) {
            return files.filter(p -> p.toString().endsWith(".nabla")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void jarPredictsWhatNablaPredictPrints(Path sample, @TempDir Path dir) throws Throwable {
        ModelSpec spec = EmbeddedJars.spec(sample);
        Path weights = EmbeddedJars.initialCheckpoint(spec, dir.resolve("w.safetensors"), 3);
        int width = spec.buffers().get(spec.indicesOf(BufferRole.INPUT).get(0)).rowSize();
        int outWidth = spec.buffers().get(spec.indicesOf(BufferRole.OUTPUT).get(0)).rowSize();
        int rows = 5;
        Path csv = dir.resolve("in.csv");
        float[] inputs = EmbeddedJars.writeInputs(csv, rows, width, 11);
        CliRun cli = CliRun.of("predict", sample.toString(), "--weights", weights.toString(), "--input", csv.toString());
        assertEquals(0, cli.exit(), cli.err());
        float[] expected = EmbeddedJars.csvValues(cli.out());
        assertEquals(rows * outWidth, expected.length);

        Path jar = dir.resolve("model.jar");
        EmbeddedJars.compile(sample.toString(), "--weights", weights.toString(), "--package", "test.models", "-o", jar.toString());
        String facade = "test.models." + spec.name();
        try (URLClassLoader loader = EmbeddedJars.runtimeOnly(jar)) {
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("dev.nabla.compiler.Compiler"));
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("org.objectweb.asm.ClassWriter"));
            EmbeddedJars.Facade model = EmbeddedJars.Facade.load(loader, facade);
            assertArrayEquals(expected, model.predict(inputs, rows, outWidth), "batch predict");
            float[] first = (float[]) model.handle("predict", float[].class, float[].class)
                    .invoke(Arrays.copyOf(inputs, width));
            float[] firstExpected = Arrays.copyOf(expected, outWidth);
            for (int j = 0; j < outWidth; j++) {
                // one example runs as a batch of 1: a product may sum in another order than in a batch of 5
                assertEquals(firstExpected[j], first[j], 1e-5f * Math.max(1, Math.abs(firstExpected[j])), "predict(float[])[" + j + "]");
            }
            // the kernels alone, constructed without the compiler from the manifest beside them
            Class<?> kernels = loader.loadClass(facade + "Kernels");
            Object k = kernels.getConstructor().newInstance();
            Object kernelSpec = kernels.getMethod("spec").invoke(k);
            assertEquals(spec.buffers().size(), ((List<?>) kernelSpec.getClass().getMethod("buffers").invoke(kernelSpec)).size());
        }

        Path selfContained = dir.resolve("self.jar");
        EmbeddedJars.compile(sample.toString(), "--weights", weights.toString(), "--self-contained", "-o", selfContained.toString());
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-jar", selfContained.toString(), "predict", csv.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals(cli.out(), out, "java -jar self.jar predict prints what nabla predict prints");
    }
}
