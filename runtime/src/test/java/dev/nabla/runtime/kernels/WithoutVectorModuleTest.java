package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runtime (products, convolutions, pooling) must load and compute in a JVM started without
 * {@code --add-modules jdk.incubator.vector}.
 */
class WithoutVectorModuleTest {

    @Test
    void scalarKernelServesAJvmWithoutTheIncubatorModule() throws Exception {
        String classPath = location(Gemm.class) + File.pathSeparator + location(WithoutVectorModuleMain.class);
        String output = ChildJvm.run(List.of("-Dnabla.vector=true"), classPath, WithoutVectorModuleMain.class).trim();
        assertEquals("vector api false\nscalar 19.0 22.0 43.0 50.0\nscalar scalar y=6.0,14.0 dx=1.0,-1.0,-1.0 dw=6.0,6.0 db=2.0"
                + " pool=5.0,9.0 dpool=1.0,2.0", output.replace("\r", ""));
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
