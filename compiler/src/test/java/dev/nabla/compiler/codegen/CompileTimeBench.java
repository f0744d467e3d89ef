package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Compile time per sample in a warm JVM, parse to loaded classes (a benchmark main, not a test): each sample is
 * compiled 10 times to warm up, then 15 times measured; prints the median and the fastest in ms, with every pass
 * and with none. {@code load()} emits the kernel family this JVM runs (the vector one with the module added), not
 * the other. Run from compiler/ after {@code mvn -q -o -pl compiler -am test-compile}, with this tree's classes
 * before the dependencies' jars (an installed nabla-runtime may predate classes the generated code calls):
 * <pre>
 * java --add-modules jdk.incubator.vector \
 *   -cp target/test-classes:target/classes:../runtime/target/classes:../grammar/target/classes:DEPENDENCIES \
 *   dev.nabla.compiler.codegen.CompileTimeBench
 * </pre>
 * where DEPENDENCIES is the test class path of {@code mvn -pl compiler dependency:build-classpath
 * -Dmdep.outputFile=FILE}.
 */
public final class CompileTimeBench {

    public static void main(String[] args) throws Exception {
        List<Path> samples;
        try (var s = Files.list(Path.of("../samples"))) {
            samples = s.filter(p -> p.toString().endsWith(".nabla")).sorted().toList();
        }
        System.out.printf("%-28s %12s %12s %16s%n", "sample", "median ms", "fastest ms", "median, no passes");
        for (Path file : samples) {
            double[] on = times(file, java.util.Set.of());
            double[] off = times(file, java.util.Set.copyOf(dev.nabla.compiler.passes.Passes.names()));
            System.out.printf("%-28s %12.1f %12.1f %16.1f%n", file.getFileName(), on[on.length / 2], on[0], off[off.length / 2]);
        }
    }

    private static double[] times(Path file, java.util.Set<String> disabled) throws Exception {
        String source = Files.readString(file);
        double[] t = new double[15];
        for (int i = -10; i < t.length; i++) {
            long start = System.nanoTime();
            Compilation c = Compiler.compileSource(file.toString(), source);
            ModelIr m = c.model(null);
            ModelCompiler.compile(m, m.config().optimizer(), disabled).load();
            if (i >= 0) {
                t[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(t);
        return t;
    }
}
