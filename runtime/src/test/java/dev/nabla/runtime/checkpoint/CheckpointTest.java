package dev.nabla.runtime.checkpoint;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {

    @TempDir
    Path dir;

    private static ModelSpec spec(int hidden) {
        return new ModelSpec("Tiny", "tiny.nabla", List.of(
                new BufferSpec("hidden1.W", BufferRole.PARAM, new int[] {2, hidden}),
                new BufferSpec("hidden1.b", BufferRole.PARAM, new int[] {hidden}),
                new BufferSpec("x", BufferRole.INPUT, new int[] {BufferSpec.BATCH, 2}),
                new BufferSpec("loss", BufferRole.LOSS, new int[0]),
                new BufferSpec("grad:hidden1.W", BufferRole.GRAD, new int[] {2, hidden}, null, "hidden1.W", 0),
                new BufferSpec("grad:hidden1.b", BufferRole.GRAD, new int[] {hidden}, null, "hidden1.b", 0),
                new BufferSpec("opt0:hidden1.W", BufferRole.OPT_STATE, new int[] {2, hidden}, null, "hidden1.W", 0),
                new BufferSpec("opt0:hidden1.b", BufferRole.OPT_STATE, new int[] {hidden}, null, "hidden1.b", 0)),
                OptimizerSpec.sgd(0.1, 0.9, 0), TrainConfig.EMPTY);
    }

    private static float[][] filled(ModelSpec spec) {
        float[][] buffers = spec.allocate(4);
        for (int i = 0; i < buffers.length; i++) {
            for (int j = 0; j < buffers[i].length; j++) {
                buffers[i][j] = i * 10 + j * 0.5f - 1;
            }
        }
        return buffers;
    }

    @Test
    void roundTrip_restoresParamsAndOptimizerStateAndMetadata() {
        ModelSpec spec = spec(3);
        float[][] saved = filled(spec);
        Path file = dir.resolve("tiny.safetensors");
        Checkpoint.save(file, spec, saved, Map.of("step", "17"));
        float[][] loaded = spec.allocate(4);
        Map<String, String> meta = Checkpoint.load(file, spec, loaded);
        assertEquals("17", meta.get("step"));
        for (int i : new int[] {0, 1, 6, 7}) {
            assertArrayEquals(saved[i], loaded[i], spec.buffers().get(i).name());
        }
        assertEquals(0f, loaded[2][0], "inputs are not part of a checkpoint");
    }

    @Test
    void header_parsedIndependently_namesShapesOffsetsAndLittleEndianData() throws IOException {
        ModelSpec spec = spec(3);
        float[][] saved = filled(spec);
        Path file = dir.resolve("c.safetensors");
        Checkpoint.save(file, spec, saved, Map.of("step", "5"));
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = in.getLong();
        assertEquals(0, headerLength % 8, "header padded to 8 bytes");
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"step\":\"5\"}"), header);
        Matcher m = Pattern.compile("\"([^\"]+)\":\\{\"dtype\":\"F32\",\"shape\":\\[([0-9,]*)\\],\"data_offsets\":\\[(\\d+),(\\d+)\\]\\}")
                .matcher(header);
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
            int buffer = spec.indexOf(m.group(1));
            int begin = Integer.parseInt(m.group(3));
            int end = Integer.parseInt(m.group(4));
            assertEquals(4 * spec.buffers().get(buffer).size(1), end - begin);
            float first = in.getFloat(8 + (int) headerLength + begin);
            assertEquals(saved[buffer][0], first, m.group(1));
        }
        assertEquals(List.of("hidden1.W", "hidden1.b", "opt0:hidden1.W", "opt0:hidden1.b"), names);
        assertEquals(8 + headerLength + 4 * (6 + 3 + 6 + 3), bytes.length);
    }

    @Test
    void load_shapeMismatch_namesTensorAndBothShapes() {
        Path file = dir.resolve("c.safetensors");
        Checkpoint.save(file, spec(3), filled(spec(3)), Map.of());
        NablaException e = assertThrows(NablaException.class, () -> Checkpoint.load(file, spec(4), spec(4).allocate(1)));
        assertTrue(e.getMessage().contains("hidden1.W") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[2, 4]"), e.getMessage());
    }

    @Test
    void load_missingParam_isReported() {
        Path file = dir.resolve("c.safetensors");
        Safetensors.write(file, List.of(new Safetensors.Tensor("hidden1.W", new int[] {2, 3}, new float[6])), Map.of());
        NablaException e = assertThrows(NablaException.class, () -> Checkpoint.load(file, spec(3), spec(3).allocate(1)));
        assertTrue(e.getMessage().contains("missing param \"hidden1.b\""), e.getMessage());
    }

    @Test
    void load_tensorOfAnotherModel_isReported() {
        Path file = dir.resolve("c.safetensors");
        Safetensors.write(file, List.of(new Safetensors.Tensor("conv1.K", new int[] {1}, new float[1])), Map.of());
        NablaException e = assertThrows(NablaException.class, () -> Checkpoint.load(file, spec(3), spec(3).allocate(1)));
        assertTrue(e.getMessage().contains("\"conv1.K\" is not a parameter of model Tiny"), e.getMessage());
    }

    @Test
    void load_withoutOptimizerState_zeroesIt() {
        Path file = dir.resolve("c.safetensors");
        Safetensors.write(file, List.of(new Safetensors.Tensor("hidden1.W", new int[] {2, 3}, new float[6]),
                new Safetensors.Tensor("hidden1.b", new int[] {3}, new float[3])), Map.of());
        float[][] buffers = filled(spec(3));
        Checkpoint.load(file, spec(3), buffers);
        assertArrayEquals(new float[6], buffers[6]);
    }

    @Test
    void load_nanWeights_areRefusedNamingTheTensor() {
        Path file = dir.resolve("c.safetensors");
        float[][] buffers = filled(spec(3));
        java.util.Arrays.fill(buffers[1], Float.NaN);
        buffers[1][0] = 1;
        Checkpoint.save(file, spec(3), buffers, Map.of());
        NablaException e = assertThrows(NablaException.class, () -> Checkpoint.load(file, spec(3), spec(3).allocate(1)));
        assertEquals(file + ": tensor \"hidden1.b\" holds 2 NaN or infinite values of 3; a model with these weights"
                + " computes NaN (did the run that saved them diverge?)", e.getMessage());
    }

    @Test
    void read_truncatedFile_namesFileAndProblem() throws IOException {
        Path file = dir.resolve("c.safetensors");
        Checkpoint.save(file, spec(3), filled(spec(3)), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        NablaException e = assertThrows(NablaException.class, () -> Safetensors.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void read_notSafetensors_namesFile() throws IOException {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "hello, world, this is text");
        NablaException e = assertThrows(NablaException.class, () -> Safetensors.read(file));
        assertTrue(e.getMessage().contains("not a safetensors file"), e.getMessage());
    }

    @Test
    void save_overExisting_replacesItAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("c.safetensors");
        Checkpoint.save(file, spec(3), spec(3).allocate(1), Map.of("epoch", "1"));
        Checkpoint.save(file, spec(3), filled(spec(3)), Map.of("epoch", "2"));
        assertEquals("2", Safetensors.read(file).metadata().get("epoch"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void save_removesTemporariesThatACrashLeft_butNotThoseOfARunningSave() throws IOException {
        Path file = dir.resolve("c.safetensors");
        Path stale = Files.write(dir.resolve(".c.safetensors.3kd9.tmp"), new byte[1000]);
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.fromMillis(0));
        Path current = Files.write(dir.resolve(".c.safetensors.x7q2.tmp"), new byte[10]);
        Path otherFiles = Files.write(dir.resolve(".d.safetensors.3kd9.tmp"), new byte[10]);
        Files.setLastModifiedTime(otherFiles, java.nio.file.attribute.FileTime.fromMillis(0));
        Checkpoint.save(file, spec(3), filled(spec(3)), Map.of());
        assertTrue(Files.notExists(stale), "a temporary file older than this process is a crash's leftover");
        assertTrue(Files.exists(current) && Files.exists(otherFiles), "another save's temporaries are left alone");
    }

    @Test
    void save_removesTemporariesOfADeadWriter_howeverRecent_butNotThoseOfALiveOne() throws IOException, InterruptedException {
        // a long-lived process (this test JVM) must clean up after a save killed long after it started
        Process gone = new ProcessBuilder("java", "-version").redirectErrorStream(true).start();
        gone.getInputStream().readAllBytes();
        gone.waitFor();
        Path file = dir.resolve("c.safetensors");
        Path dead = Files.write(dir.resolve(".c.safetensors." + gone.pid() + "-ab12.tmp"), new byte[1000]);
        Path alive = Files.write(dir.resolve(".c.safetensors." + ProcessHandle.current().parent().orElseThrow().pid()
                + "-cd34.tmp"), new byte[10]);
        Checkpoint.save(file, spec(3), filled(spec(3)), Map.of());
        assertTrue(Files.notExists(dead), "the temporary of a process that died is a crash's leftover");
        assertTrue(Files.exists(alive), "a live process's temporary may be a save in progress");
    }

    @Test
    void save_givesTheFileTheUmasksPermissions_asAnyNewFile() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path file = dir.resolve("c.safetensors");
        Checkpoint.save(file, spec(3), filled(spec(3)), Map.of());
        Path plain = Files.createFile(dir.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
    }

    @Test
    void checkWritable_refusesDirectoriesAndFilesUnderAFile() throws IOException {
        AtomicFiles.checkWritable(dir.resolve("new/sub/c.safetensors"), "the checkpoint");
        NablaException directory = assertThrows(NablaException.class, () -> AtomicFiles.checkWritable(dir, "the log"));
        assertEquals("cannot write the log " + dir + ": it is a directory", directory.getMessage());
        Path regular = Files.writeString(dir.resolve("notes"), "x");
        NablaException under = assertThrows(NablaException.class,
                () -> AtomicFiles.checkWritable(regular.resolve("run.csv"), "the plot"));
        assertEquals("cannot write the plot " + regular.resolve("run.csv") + ": " + regular + " is not a directory",
                under.getMessage());
    }

    @Test
    void save_failingRename_keepsPreviousTargetUntouched() throws IOException {
        Path target = dir.resolve("busy");
        Files.createDirectories(target.resolve("child"));
        assertThrows(NablaException.class, () -> Checkpoint.save(target, spec(3), filled(spec(3)), Map.of()));
        assertTrue(Files.isDirectory(target.resolve("child")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList(), "temporary file removed");
        }
    }

    @Test
    void json_parsesNestedHeaderAndRejectsGarbage() {
        Object v = Json.parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,2],\"x\":-1.5e3,\"t\":true,\"n\":null,\"s\":\"q\\\"\\u0041\"}}");
        Map<?, ?> a = (Map<?, ?>) ((Map<?, ?>) v).get("a");
        assertEquals(List.of(1L, 2L), a.get("shape"));
        assertEquals(-1500.0, a.get("x"));
        assertEquals("q\"A", a.get("s"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1,}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1} x"));
    }
}
