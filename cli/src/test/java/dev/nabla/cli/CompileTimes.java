package dev.nabla.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Measures {@code nabla compile FILE -o model.jar} for every sample in a warm JVM: parse to written jar, the
 * façade compiled with javac in-process. Run from cli/ with the test class path:
 * {@code java -cp ... dev.nabla.cli.CompileTimes [runs]}; prints the median and the fastest run per sample.
 */
public final class CompileTimes {

    public static void main(String[] args) throws IOException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path out = Files.createTempDirectory("nabla-compile-times");
        List<Path> samples;
        try (Stream<Path> files = Files.list(Path.of("../samples"))) {
            samples = files.filter(p -> p.toString().endsWith(".nabla")).sorted().toList();
        }
        for (int warm = 0; warm < 3; warm++) {
            for (Path s : samples) {
                compile(s, out);
            }
        }
        for (Path s : samples) {
            double[] ms = new double[runs];
            for (int r = 0; r < runs; r++) {
                long t = System.nanoTime();
                compile(s, out);
                ms[r] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(ms);
            System.out.printf("%-26s median %6.0f ms   fastest %6.0f ms   jar %4d KiB%n", s.getFileName(), ms[runs / 2],
                    ms[0], Files.size(out.resolve("model.jar")) / 1024);
        }
    }

    private static void compile(Path sample, Path out) {
        CliRun run = CliRun.of("compile", sample.toString(), "-o", out.resolve("model.jar").toString());
        if (run.exit() != 0) {
            throw new IllegalStateException(sample + ": " + run.err());
        }
    }
}
