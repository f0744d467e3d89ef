package dev.nabla.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Truncated, mis-sized, mis-typed, NaN and hostile IDX, CSV, NPY and safetensors files through {@code train},
 * {@code eval} and {@code predict} of the iris model (4 features, 3 classes): each case exits 1 with its message and
 * no stack trace. A case is a command line over files made in a fresh directory.
 */
class BadDataMatrixTest {

    private static final String IRIS = "../samples/iris.nabla";

    @TempDir
    static Path dir;
    private static Path good;

    /** A name, the files it writes, the arguments it runs, and a fragment of the message it must print. */
    record Case(String name, Maker files, List<String> args, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface Maker {
        void make(Path d) throws IOException;
    }

    @BeforeAll
    static void trainOneCheckpoint() {
        good = dir.resolve("good.safetensors");
        CliRun run = CliRun.of("train", IRIS, "--epochs", "1", "--save", good.toString());
        assertEquals(0, run.exit(), run.err());
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        // CSV: 4 measurements and a label 0..2 per row
        c.add(train("csv truncated row", "d.csv", rows("4.9,3.0,1.4\n"), "line 31"));
        c.add(train("csv not a number", "d.csv", rows("4.9,abc,1.4,0.2,0\n"), "abc"));
        c.add(train("csv NaN", "d.csv", rows("4.9,NaN,1.4,0.2,1\n"), "NaN"));
        c.add(train("csv overflow", "d.csv", rows("4.9,1e309,1.4,0.2,1\n"), "1e309"));
        c.add(train("csv label out of range", "d.csv", rows("4.9,3.0,1.4,0.2,7\n"), "label 7"));
        c.add(train("csv fractional label", "d.csv", rows("4.9,3.0,1.4,0.2,1.5\n"), "1.5"));
        c.add(train("csv empty", "d.csv", text(""), "d.csv"));
        c.add(train("csv binary", "d.csv", bytes(garbage(300)), "characters) is not a number"));
        c.add(train("csv missing", "nothing.csv", f -> { }, "nothing.csv"));
        c.add(new Case("predict csv too wide", files("d.csv", text("1,2,3,4,5,6,7\n")),
                List.of("predict", IRIS, "--weights", "@good", "--input", "@d.csv"), "d.csv"));
        c.add(new Case("eval csv NaN", files("d.csv", text("5.1,NaN,1.4,0.2,0\n")),
                List.of("eval", IRIS, "--weights", "@good", "--data", "@d.csv"), "NaN"));
        // IDX: 2x2 images are the 4 features, labels a vector
        c.add(idx("idx truncated images", idxImages(150, 2, 2, 100 * 4), idxLabels(150, 0), "x.idx"));
        c.add(idx("idx bad magic", withMagic(idxImages(10, 2, 2, 40), 0x01020304), idxLabels(10, 0), "x.idx"));
        c.add(idx("idx huge dimensions", idxHeader(0x08, new int[] {-1, -1, -1}), idxLabels(10, 0), "x.idx"));
        c.add(idx("idx count mismatch", idxImages(10, 2, 2, 40), idxLabels(9, 0), "9"));
        c.add(idx("idx wrong feature count", idxImages(10, 3, 3, 90), idxLabels(10, 0), "9"));
        c.add(idx("idx label out of range", idxImages(10, 2, 2, 40), idxLabels(10, 200), "200"));
        // NPY: x float32 [n, 4], y int32 [n]
        c.add(npy("npy truncated", npyFile("<f4", "(10, 4)", 4 * 20), npyFile("<i4", "(10,)", 40), "x.npy"));
        c.add(npy("npy bad magic", bytes("NOTNUMPY".getBytes(StandardCharsets.UTF_8)), npyFile("<i4", "(10,)", 40), "x.npy"));
        c.add(npy("npy complex dtype", npyFile("<c8", "(10, 4)", 320), npyFile("<i4", "(10,)", 40), "c8"));
        c.add(npy("npy object dtype", npyFile("|O", "(10, 4)", 320), npyFile("<i4", "(10,)", 40), "|O"));
        c.add(npy("npy huge shape", npyFile("<f4", "(1099511627776, 4)", 160), npyFile("<i4", "(10,)", 40), "x.npy"));
        c.add(npy("npy rows mismatch", npyFile("<f4", "(10, 4)", 160), npyFile("<i4", "(9,)", 36), "9"));
        c.add(npy("npy NaN", npyNaN(), npyFile("<i4", "(10,)", 40), "NaN"));
        c.add(npy("npy negative dimension", npyFile("<f4", "(-10, 4)", 160), npyFile("<i4", "(10,)", 40), "a negative dimension"));
        // safetensors checkpoints through eval
        c.add(ckpt("checkpoint truncated", d -> cut(d, 0.6), "truncated"));
        c.add(ckpt("checkpoint empty", d -> Files.write(d.resolve("c.safetensors"), new byte[0]), "c.safetensors"));
        c.add(ckpt("checkpoint header length huge", d -> headerLength(d, Long.MAX_VALUE / 2), "c.safetensors"));
        c.add(ckpt("checkpoint header not json", d -> header(d, h -> "{not json" + " ".repeat(h.length() - 9)), "c.safetensors"));
        c.add(ckpt("checkpoint wrong shape", d -> header(d, h -> h.replace("\"shape\":[4,16]", "\"shape\":[16,4]")), "hidden.W"));
        c.add(ckpt("checkpoint missing tensor", d -> header(d, h -> h.replace("\"hidden.b\"", "\"hidden.q\"")), "\"hidden.q\" is not a parameter"));
        c.add(ckpt("checkpoint wrong dtype", d -> header(d, h -> h.replaceFirst("\"F32\"", "\"I64\"")), "I64"));
        c.add(ckpt("checkpoint NaN weight", d -> nanWeight(d), "NaN"));
        c.add(ckpt("checkpoint offsets past the end", d -> header(d, h -> h.replace("[0,256]", "[0,999999]")), "hidden.W"));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badFile_exitsOneWithItsMessage_noStackTrace(Case c) throws IOException {
        Path d = Files.createTempDirectory(dir, "case");
        c.files().make(d);
        String[] args = c.args().stream().map(a -> a.equals("@good") ? good.toString()
                : a.startsWith("@") ? Arrays.stream(a.substring(1).split(",")).map(p -> d.resolve(p).toString())
                .reduce((x, y) -> x + "," + y).orElseThrow() : a).toArray(String[]::new);
        CliRun run = CliRun.of(args);
        assertEquals(1, run.exit(), c + ": " + run.err() + run.out());
        assertTrue(run.err().startsWith("nabla: error: ") || run.err().contains("\nnabla: error: "), c + ": " + run.err());
        assertTrue(run.err().contains(c.expected()), c + " should name " + c.expected() + ": " + run.err());
        assertFalse(run.err().contains("\tat ") || run.err().contains("internal error"), c + ": " + run.err());
        assertTrue(run.err().strip().lines().count() <= 3 && run.err().chars().noneMatch(ch -> ch < 0x20 && ch != '\n'),
                c + ": a message is a few readable lines: " + run.err());
    }

    private static Case train(String name, String file, Maker content, String expected) {
        return new Case(name, files(file, content), List.of("train", IRIS, "--data", "@" + file, "--epochs", "1",
                "--no-save"), expected);
    }

    private static Case idx(String name, Maker images, Maker labels, String expected) {
        return new Case(name, d -> {
            images.make(d.resolve("x.idx"));
            labels.make(d.resolve("y.idx"));
        }, List.of("train", IRIS, "--data", "@x.idx,y.idx", "--epochs", "1", "--no-save"), expected);
    }

    private static Case npy(String name, Maker x, Maker y, String expected) {
        return new Case(name, d -> {
            x.make(d.resolve("x.npy"));
            y.make(d.resolve("y.npy"));
        }, List.of("train", IRIS, "--data", "@x.npy,y.npy", "--epochs", "1", "--no-save"), expected);
    }

    private static Case ckpt(String name, Maker damage, String expected) {
        return new Case(name, damage, List.of("eval", IRIS, "--weights", "@c.safetensors"), expected);
    }

    private static Maker files(String name, Maker content) {
        return d -> content.make(d.resolve(name));
    }

    private static Maker text(String s) {
        return p -> Files.writeString(p, s);
    }

    /** 30 good iris rows, then {@code s}: enough rows for the held-out split, so the bad row is what is reported. */
    private static Maker rows(String s) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < 30; k++) {
            b.append("5.1,3.5,1.4,0.2,").append(k % 3).append('\n');
        }
        return text(b + s);
    }

    private static Maker bytes(byte[] b) {
        return p -> Files.write(p, b);
    }

    private static byte[] garbage(int n) {
        byte[] b = new byte[n];
        new java.util.Random(n).nextBytes(b);
        return b;
    }

    private static Maker idxHeader(int type, int[] dims) {
        return p -> {
            ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length).order(ByteOrder.BIG_ENDIAN);
            b.putInt(0x00000800 | (type << 0) & 0xFF | dims.length);
            for (int d : dims) {
                b.putInt(d);
            }
            Files.write(p, b.array());
        };
    }

    private static Maker idxImages(int n, int h, int w, int dataBytes) {
        return p -> {
            ByteBuffer b = ByteBuffer.allocate(16 + dataBytes).order(ByteOrder.BIG_ENDIAN);
            b.putInt(0x00000803).putInt(n).putInt(h).putInt(w);
            for (int k = 0; k < dataBytes; k++) {
                b.put((byte) (k * 37));
            }
            Files.write(p, b.array());
        };
    }

    private static Maker idxLabels(int n, int first) {
        return p -> {
            ByteBuffer b = ByteBuffer.allocate(8 + n).order(ByteOrder.BIG_ENDIAN);
            b.putInt(0x00000801).putInt(n);
            for (int k = 0; k < n; k++) {
                b.put((byte) (k == 0 && first > 0 ? first : k % 3));
            }
            Files.write(p, b.array());
        };
    }

    private static Maker withMagic(Maker file, int magic) {
        return p -> {
            file.make(p);
            byte[] b = Files.readAllBytes(p);
            ByteBuffer.wrap(b).putInt(0, magic);
            Files.write(p, b);
        };
    }

    private static Maker npyFile(String descr, String shape, int dataBytes) {
        return p -> {
            String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
            header += " ".repeat(63 - (10 + header.length()) % 64) + "\n";
            ByteBuffer b = ByteBuffer.allocate(10 + header.length() + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
            b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
            b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
            for (int k = 0; k < dataBytes / 4; k++) {
                b.putFloat(descr.equals("<i4") ? Float.intBitsToFloat(k % 3) : k % 7);
            }
            Files.write(p, b.array());
        };
    }

    private static Maker npyNaN() {
        return p -> {
            npyFile("<f4", "(10, 4)", 160).make(p);
            byte[] b = Files.readAllBytes(p);
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(b.length - 8, Float.NaN);
            Files.write(p, b);
        };
    }

    private static void cut(Path d, double fraction) throws IOException {
        byte[] b = Files.readAllBytes(good);
        Files.write(d.resolve("c.safetensors"), Arrays.copyOf(b, (int) (b.length * fraction)));
    }

    private static void headerLength(Path d, long length) throws IOException {
        byte[] b = Files.readAllBytes(good);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
        Files.write(d.resolve("c.safetensors"), b);
    }

    /** The good checkpoint with its JSON header edited (and padded back to its length). */
    private static void header(Path d, java.util.function.UnaryOperator<String> edit) throws IOException {
        byte[] b = Files.readAllBytes(good);
        int n = (int) ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String h = new String(b, 8, n, StandardCharsets.UTF_8);
        String e = edit.apply(h);
        e = e.length() < n ? e + " ".repeat(n - e.length()) : e;
        byte[] eb = e.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + eb.length + b.length - 8 - n).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(eb.length).put(eb).put(b, 8 + n, b.length - 8 - n);
        Files.write(d.resolve("c.safetensors"), out.array());
    }

    private static void nanWeight(Path d) throws IOException {
        byte[] b = Files.readAllBytes(good);
        int n = (int) ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(8 + n + 4, Float.NaN);
        Files.write(d.resolve("c.safetensors"), b);
    }
}
