package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code ./nabla} launcher, run against a stand-in {@code java} that writes what the real one may. */
class LauncherTest {

    @Test
    void stderr_passesThroughByteForByte_withoutTheIncubatorNotice_beforeTheLauncherExits(@TempDir Path dir)
            throws IOException, InterruptedException {
        Path root = Files.createDirectories(dir.resolve("nabla-root"));
        Path launcher = Files.copy(Path.of("../nabla"), root.resolve("nabla"));
        Path stamp = Files.createDirectories(root.resolve("cli/target")).resolve(".nabla-built");
        Files.createFile(stamp);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = Files.writeString(bin.resolve("java"), """
                #!/bin/bash
                printf 'WARNING: Using incubator modules: jdk.incubator.vector\\n' >&2
                printf 'out\\n'
                sleep 0.2
                printf 'nabla: error: x.csv: bad bytes \\x01\\xff\\xfe here\\nlast line without newline' >&2
                exit 3
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString(), "check", "x.nabla");
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "launcher finished");
        assertEquals(3, p.exitValue(), "java's exit status");
        assertEquals("out\n", Files.readString(dir.resolve("stdout")));
        byte[] expected = "nabla: error: x.csv: bad bytes \u0001\u00ff\u00fe here\nlast line without newline"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(expected, Files.readAllBytes(dir.resolve("stderr")), Files.readString(dir.resolve("stderr"),
                StandardCharsets.ISO_8859_1));
    }

    /**
     * With --spark the launcher adds Spark's jars ($SPARK_HOME's, else the class path Maven resolved for the spark
     * module) and the JVM options Spark needs on Java 17; without it, neither.
     */
    @Test
    void spark_addsSparksClassPathAndJvmOptions_onlyWhenAskedFor(@TempDir Path dir) throws IOException, InterruptedException {
        Path root = Files.createDirectories(dir.resolve("nabla-root"));
        Path launcher = Files.copy(Path.of("../nabla"), root.resolve("nabla"));
        Files.createFile(Files.createDirectories(root.resolve("cli/target")).resolve(".nabla-built"));
        Files.writeString(Files.createDirectories(root.resolve("spark/target")).resolve("spark-classpath.txt"),
                "/m2/spark-core.jar:/m2/scala-library.jar");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = Files.writeString(bin.resolve("java"), "#!/bin/bash\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path sparkHome = Files.createDirectories(dir.resolve("spark-4/jars")).getParent();

        String plain = launch(launcher, bin, null, dir, "train", "m.nabla");
        assertTrue(plain.contains("-cp\n" + root + "/cli/target/classes:" + root + "/cli/target/lib/*\n"), plain);
        assertTrue(!plain.contains("--add-opens"), plain);
        String maven = launch(launcher, bin, null, dir, "train", "m.nabla", "--spark", "local[2]");
        assertTrue(maven.contains("/cli/target/lib/*:/m2/spark-core.jar:/m2/scala-library.jar\n"), maven);
        assertTrue(maven.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED\n"), maven);
        String home = launch(launcher, bin, sparkHome, dir, "train", "m.nabla", "--spark=local[2]");
        assertTrue(home.contains("/cli/target/lib/*:" + sparkHome + "/jars/*\n"), home);
    }

    /**
     * Commands that train run the JVM without tiered compilation (their kernels warm up sooner under C2 alone); the
     * others, and training on Spark, keep the default; NABLA_JAVA_OPTS comes after it, so it can turn it back on.
     */
    @Test
    void trainingCommands_compileWithC2Alone_unlessOnSparkOrOverridden(@TempDir Path dir)
            throws IOException, InterruptedException {
        Path root = Files.createDirectories(dir.resolve("nabla-root"));
        Path launcher = Files.copy(Path.of("../nabla"), root.resolve("nabla"));
        Files.createFile(Files.createDirectories(root.resolve("cli/target")).resolve(".nabla-built"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = Files.writeString(bin.resolve("java"), "#!/bin/bash\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        String off = "\n-XX:-TieredCompilation\n";

        for (String training : List.of("train", "lr-find", "compare")) {
            assertTrue(launch(launcher, bin, null, dir, training, "m.nabla", "--epochs", "2").contains(off), training);
        }
        assertTrue(launch(launcher, bin, null, dir, "train", "--epochs", "2", "m.nabla").contains(off));
        for (String other : List.of("check", "compile", "eval", "predict", "ir", "summary", "gradcheck", "export")) {
            assertTrue(!launch(launcher, bin, null, dir, other, "m.nabla").contains(off), other);
        }
        assertTrue(!launch(launcher, bin, null, dir, "train", "m.nabla", "--spark", "local[2]").contains(off));
        assertTrue(!launch(launcher, bin, null, dir, "train", "--spark=local[2]", "m.nabla").contains(off));
        String overridden = launch(launcher, bin, null, "-XX:+TieredCompilation", dir, "train", "m.nabla");
        int on = overridden.indexOf("\n-XX:+TieredCompilation\n");
        assertTrue(overridden.indexOf(off) >= 0 && overridden.indexOf(off) < on, overridden);
    }

    private static String launch(Path launcher, Path bin, Path sparkHome, Path dir, String... args)
            throws IOException, InterruptedException {
        return launch(launcher, bin, sparkHome, null, dir, args);
    }

    private static String launch(Path launcher, Path bin, Path sparkHome, String javaOpts, Path dir, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().remove("SPARK_HOME");
        pb.environment().remove("NABLA_JAVA_OPTS");
        if (javaOpts != null) {
            pb.environment().put("NABLA_JAVA_OPTS", javaOpts);
        }
        if (sparkHome != null) {
            pb.environment().put("SPARK_HOME", sparkHome.toString());
        }
        Path out = dir.resolve("out");
        pb.redirectOutput(out.toFile()).redirectError(dir.resolve("err").toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "launcher finished");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("err")));
        return Files.readString(out);
    }
}
