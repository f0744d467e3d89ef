package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The runtime (products, convolutions, pooling) must load and compute in a JVM started without
 * {@code --add-modules jdk.incubator.vector}.
 */
class WithoutVectorModuleTest {

    @Test
    void scalarKernelServesAJvmWithoutTheIncubatorModule() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = location(Gemm.class) + File.pathSeparator + location(WithoutVectorModuleMain.class);
        Process process = new ProcessBuilder(java, "-Dnabla.vector=true", "-cp", classPath,
                WithoutVectorModuleMain.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        process.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, process.exitValue(), output);
        assertEquals("vector api false\nscalar 19.0 22.0 43.0 50.0\nscalar scalar y=6.0,14.0 dx=1.0,-1.0,-1.0 dw=6.0,6.0 db=2.0"
                + " pool=5.0,9.0 dpool=1.0,2.0", output.replace("\r", ""));
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
