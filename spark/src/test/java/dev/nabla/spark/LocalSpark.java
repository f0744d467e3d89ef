package dev.nabla.spark;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.embed.EmbedOptions;
import dev.nabla.compiler.embed.ModelJar;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The one SparkSession of the test JVM (starting one takes seconds), and model jars compiled in-process once each.
 * {@code local[2,2]}: two task threads, and a failed task is tried twice (Spark's local mode tries once by default).
 */
final class LocalSpark {

    private static SparkSession session;
    private static final Map<String, Path> JARS = new HashMap<>();

    private LocalSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2,2]").appName("nabla-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "4")
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }

    /** {@code nabla compile ../samples/NAME.nabla -o NAME.jar}, once per test JVM. */
    static synchronized Path jar(String sample) {
        return JARS.computeIfAbsent(sample, s -> {
            try {
                Compilation c = Compiler.compileFile(Path.of("../samples/" + s + ".nabla"));
                if (!c.ok()) {
                    throw new IllegalStateException(c.diagnostics().toString());
                }
                Path dir = Files.createTempDirectory("nabla-spark-test");
                Path jar = dir.resolve(s + ".jar");
                ModelJar.compile(jar, c.models(), new EmbedOptions(EmbedOptions.DEFAULT_PACKAGE, false, null), false);
                jar.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                return jar;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
