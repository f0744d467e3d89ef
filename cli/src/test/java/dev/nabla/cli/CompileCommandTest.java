package dev.nabla.cli;

import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.codegen.ModelClasses;
import dev.nabla.compiler.codegen.ModelCompiler;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompileCommandTest {

    private static final Path IRIS = Path.of("../samples/iris.nabla");

    private static String stdout(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            assertEquals(0, Main.run(args));
        } finally {
            System.setOut(old);
        }
        return out.toString();
    }

    @Test
    void listingPrintsEveryEntryPointsKernels() {
        String listing = stdout("compile", IRIS.toString(), "--listing");
        assertTrue(listing.contains("predict:") && listing.contains("trainStep:") && listing.contains("update:"), listing);
        assertTrue(listing.contains("kernel ") && listing.contains("for "), listing);
    }

    @Test
    void unknownModelIsAUserError() {
        assertEquals(1, Main.run("compile", IRIS.toString(), "--model", "NoSuchModel"));
    }

    @Test
    void emittedClassFilesLoadFromDiskAndComputeLikeInProcessClasses(@TempDir Path dir) throws Exception {
        stdout("compile", IRIS.toString(), "--emit-classes", dir.toString());
        ModelIr model = Compiler.compileFile(IRIS).models().get(0);
        ModelClasses inProcess = ModelCompiler.compile(model, model.config().optimizer());
        for (String name : inProcess.classes().keySet()) {
            assertTrue(Files.isRegularFile(dir.resolve(name.replace('.', '/') + ".class")), name);
        }
        ModelSpec spec = inProcess.spec();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            CompiledModel fromDisk = (CompiledModel) loader.loadClass(inProcess.mainClass())
                    .getConstructor(ModelSpec.class).newInstance(spec);
            CompiledModel loaded = inProcess.load();
            float[][] a = spec.allocate(4);
            for (float[] buf : a) {
                Arrays.fill(buf, 0.25f);
            }
            float[][] b = Arrays.stream(a).map(float[]::clone).toArray(float[][]::new);
            fromDisk.predict(a, 4);
            loaded.predict(b, 4);
            int out = spec.indicesOf(dev.nabla.runtime.BufferRole.OUTPUT).get(0);
            assertArrayEquals(b[out], a[out]);
        }
    }
}
