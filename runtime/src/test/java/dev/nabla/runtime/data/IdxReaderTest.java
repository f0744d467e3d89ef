package dev.nabla.runtime.data;

import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.TrainConfig.DataSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {

    @TempDir
    Path dir;

    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static byte[] pixels(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 37);
        }
        return p;
    }

    private static DataSpec spec(Path images, Path labels) {
        return new DataSpec("idx", List.of(images.toString(), labels.toString()), Map.of());
    }

    @Test
    void plainAndGzipped_giveSameImagesAndLabels() throws IOException {
        byte[] images = idx(new int[] {3, 2, 2}, pixels(12));
        byte[] labels = idx(new int[] {3}, new byte[] {7, 0, 9});
        Dataset plain = DataLoader.load(spec(write("i", images), write("l", labels)));
        Dataset gz = DataLoader.load(spec(write("i.gz", gzip(images)), write("l.gz", gzip(labels))));
        assertEquals(3, plain.rows());
        assertEquals(4, plain.featureCount());
        assertEquals((byte) (5 * 37) & 0xFF, plain.feature(1, 1), "unsigned bytes");
        assertEquals(9f, plain.target(2, 0));
        assertTrue(plain.uint8());
        assertTrue(plain.inputs().get(0).byteBacked() && gz.inputs().get(0).byteBacked(), "images stay bytes");
        for (int r = 0; r < 3; r++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(plain.feature(r, j), gz.feature(r, j));
            }
        }
    }

    @Test
    void idx_wrongMagic_namesFileAndMagic() throws IOException {
        Path images = write("images.idx", new byte[] {0x1A, 0x2B, 0x08, 0x03, 0, 0, 0, 0});
        Path labels = write("labels.idx", idx(new int[] {0}, new byte[0]));
        NablaException e = assertThrows(NablaException.class, () -> DataLoader.load(spec(images, labels)));
        assertTrue(e.getMessage().startsWith(images + ": wrong magic number 0x1A2B0803"), e.getMessage());
    }

    @Test
    void idx_truncatedData_namesFileAndSizes() throws IOException {
        byte[] full = idx(new int[] {3, 2, 2}, pixels(12));
        Path images = write("images.idx", Arrays.copyOf(full, full.length - 5));
        Path labels = write("labels.idx", idx(new int[] {3}, new byte[3]));
        NablaException e = assertThrows(NablaException.class, () -> DataLoader.load(spec(images, labels)));
        assertTrue(e.getMessage().startsWith(images + ": truncated") && e.getMessage().contains("the file has 23"), e.getMessage());
    }

    @Test
    void idx_hostileDimensions_areCheckedAgainstTheFileSizeBeforeAllocating() throws IOException {
        Path labels = write("labels.idx", idx(new int[] {3}, new byte[3]));
        Path huge = write("huge.idx", idx(new int[] {0xFFFFFFFF, 28, 28}, pixels(12)));
        NablaException e = assertThrows(NablaException.class, () -> DataLoader.load(spec(huge, labels)));
        assertEquals(huge + ": truncated or wrong header: with dimension 1 of 4294967295 the data needs 4294967311 bytes,"
                + " the file has 28", e.getMessage());
        Path wrapping = write("wrapping.idx", idx(new int[] {65536, 65536, 1}, pixels(12)));
        assertTrue(assertThrows(NablaException.class, () -> DataLoader.load(spec(wrapping, labels))).getMessage()
                .contains("truncated or wrong header: with dimension 1 of 65536"));
        Path zero = write("zero.idx", idx(new int[] {3, 0, 2}, new byte[0]));
        assertEquals(zero + ": dimension 2 is 0", assertThrows(NablaException.class,
                () -> DataLoader.load(spec(zero, labels))).getMessage());
        Path longer = write("longer.idx", idx(new int[] {3, 2, 2}, pixels(13)));
        assertTrue(assertThrows(NablaException.class, () -> DataLoader.load(spec(longer, labels))).getMessage()
                .startsWith(longer + ": wrong size: dimensions [3, 2, 2] need 28 bytes, the file has 29"));
    }

    @Test
    void idx_truncatedGzip_isReported() throws IOException {
        byte[] gz = gzip(idx(new int[] {3, 2, 2}, pixels(12)));
        Path images = write("images.gz", Arrays.copyOf(gz, gz.length / 2));
        Path labels = write("labels.idx", idx(new int[] {3}, new byte[3]));
        NablaException e = assertThrows(NablaException.class, () -> DataLoader.load(spec(images, labels)));
        assertTrue(e.getMessage().startsWith(images + ": truncated gzip"), e.getMessage());
    }

    @Test
    void idx_imageAndLabelCountsDiffer_namesBothFiles() throws IOException {
        Path images = write("images.idx", idx(new int[] {3, 2, 2}, pixels(12)));
        Path labels = write("labels.idx", idx(new int[] {2}, new byte[2]));
        NablaException e = assertThrows(NablaException.class, () -> DataLoader.load(spec(images, labels)));
        assertEquals(images + " has 3 images but " + labels + " has 2 labels", e.getMessage());
    }

    @Test
    void idx_missingFile_namesIt() {
        Path images = dir.resolve("nope.gz");
        NablaException e = assertThrows(NablaException.class, () -> DataLoader.load(spec(images, images)));
        assertEquals(images + ": data file not found", e.getMessage());
    }

    @Test
    void fashionMnistTestSet_loadsTenThousand28x28Images() {
        Path base = Path.of("/usr/share/datasets/fashion-mnist");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(base.resolve("t10k-images-idx3-ubyte.gz")));
        Dataset d = DataLoader.load(DataLoader.parse("t10k-images-idx3-ubyte.gz,t10k-labels-idx1-ubyte.gz", base));
        assertEquals(10000, d.rows());
        assertEquals(784, d.featureCount());
        assertEquals(List.of(28, 28), Arrays.stream(d.sampleShape()).boxed().toList());
        assertEquals(9f, d.target(0, 0), "the first test image is an ankle boot");
    }

    @Test
    void oneFileWhoseNameSaysNoFormat_isRefusedWithTheFormatsToNameNotAsIdxMissingLabels() {
        NablaException e = assertThrows(NablaException.class, () -> DataLoader.parse("/etc/passwd", Path.of(".")));
        assertTrue(e.getMessage().contains("'/etc/passwd': read as IDX") && e.getMessage().contains("images then labels")
                && e.getMessage().contains("csv:/etc/passwd"), e.getMessage());
        // a pair of files, or one named after its format, is parsed as before
        assertEquals("idx", DataLoader.parse("images.gz,labels.gz", Path.of(".")).format());
        assertEquals("idx", DataLoader.parse("idx:images.gz,labels=labels.gz", Path.of(".")).format());
        assertEquals("csv", DataLoader.parse("csv:/etc/passwd", Path.of(".")).format());
    }
}
