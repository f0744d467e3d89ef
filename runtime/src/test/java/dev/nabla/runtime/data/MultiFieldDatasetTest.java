package dev.nabla.runtime.data;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Datasets of several fields: one per model input and target, rows aligned through splits, checks per field. */
class MultiFieldDatasetTest {

    @TempDir
    Path dir;

    /** Model Pair: {@code seq : f32[B, 4, 3]}, {@code extra : f32[B, 2]}, {@code size : f32[B]}, {@code y : i32[B] classes 3}. */
    static ModelSpec pair() {
        return new ModelSpec("Pair", "pair.nabla", List.of(
                new BufferSpec("seq", BufferRole.INPUT, new int[] {BufferSpec.BATCH, 4, 3}),
                new BufferSpec("extra", BufferRole.INPUT, new int[] {BufferSpec.BATCH, 2}),
                new BufferSpec("size", BufferRole.TARGET, new int[] {BufferSpec.BATCH}),
                new BufferSpec("y", BufferRole.TARGET, new int[] {BufferSpec.BATCH}, null, null, 3)),
                OptimizerSpec.sgd(0.1, 0, 0), TrainConfig.EMPTY);
    }

    /** Row {@code r}: seq values {@code 100 r + j}, extra {@code -r, -r}, size {@code r / 2}, label {@code r % 3}. */
    static Dataset rows(int n) {
        float[] seq = new float[n * 12];
        float[] extra = new float[n * 2];
        float[] size = new float[n];
        float[] y = new float[n];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < 12; j++) {
                seq[r * 12 + j] = 100 * r + j;
            }
            extra[2 * r] = -r;
            extra[2 * r + 1] = -r;
            size[r] = r / 2f;
            y[r] = r % 3;
        }
        // given in another order than the model's, so binding must go by name
        return new Dataset("pair", List.of(field("extra", new int[] {2}, extra), field("seq", new int[] {4, 3}, seq)),
                List.of(field("y", new int[0], y), field("size", new int[0], size)), null);
    }

    private static Field field(String name, int[] shape, float[] values) {
        return new Field(name, name + ".npy", shape, values, true, false);
    }

    /** The original row a bound row {@code r} came from, after checking every field agrees on it. */
    private static int origin(Dataset bound, int r) {
        int row = (int) bound.inputs().get(0).value(r, 0) / 100;
        for (int j = 0; j < 12; j++) {
            assertEquals(100 * row + j, bound.inputs().get(0).value(r, j));
        }
        assertEquals(-row, bound.inputs().get(1).value(r, 1));
        assertEquals(row / 2f, bound.targets().get(0).value(r, 0));
        assertEquals(row % 3, bound.targets().get(1).value(r, 0));
        return row;
    }

    @Property(tries = 60)
    void split_keepsEveryFieldsRowsAligned_andPartitionsTheRows(@ForAll @IntRange(min = 10, max = 200) int n,
                                                                 @ForAll @DoubleRange(min = 0.1, max = 0.5) double fraction,
                                                                 @ForAll long seed) {
        Dataset bound = Datasets.bind(rows(n), pair(), true);
        Datasets.Split split = Datasets.split(bound, fraction, seed, "test");
        Set<Integer> seen = new HashSet<>();
        for (Dataset part : List.of(split.kept(), split.heldOut())) {
            for (int r = 0; r < part.rows(); r++) {
                assertTrue(seen.add(origin(part, r)));
            }
        }
        assertEquals(n, seen.size());
    }

    @Test
    void bind_ordersFieldsAsTheModelDeclaresThem() {
        Dataset bound = Datasets.bind(rows(5), pair(), true);
        assertEquals(List.of("seq", "extra"), bound.inputs().stream().map(Field::name).toList());
        assertEquals(List.of("size", "y"), bound.targets().stream().map(Field::name).toList());
        assertEquals(3, origin(bound.subset(new int[] {3, 1}), 0));
        assertTrue(Datasets.bind(rows(5), pair(), false).targets().isEmpty(), "prediction drops the targets");
    }

    @Test
    void bind_oneArrayOfFeaturesForTwoInputs_explainsOneFilePerInput() {
        Dataset csv = Dataset.of("rows.csv", new float[14], 14, new float[] {0}, 1);
        NablaException e = assertThrows(NablaException.class, () -> Datasets.bind(csv, pair(), true));
        assertEquals("rows.csv holds one array of inputs, but model Pair has 2 inputs (seq, extra): give one .npy file"
                + " for each, e.g. npy:seq=seq.npy,extra=extra.npy,size=size.npy,y=y.npy", e.getMessage());
    }

    @Test
    void bind_missingTarget_namesItAndShowsTheCommandLine() {
        Dataset d = rows(3);
        Dataset noSize = new Dataset("pair", d.inputs(), List.of(d.targets().get(0)), null);
        NablaException e = assertThrows(NablaException.class, () -> Datasets.bind(noSize, pair(), true));
        assertTrue(e.getMessage().startsWith("pair: no data for target \"size\" of model Pair"), e.getMessage());
    }

    @Test
    void rowCountsDiffering_nameBothFiles() {
        NablaException e = assertThrows(NablaException.class, () -> new Dataset("pair",
                List.of(field("seq", new int[] {4, 3}, new float[24]), field("extra", new int[] {2}, new float[6])),
                List.of(), null));
        assertEquals("seq.npy has 2 samples but extra.npy has 3 samples", e.getMessage());
    }

    @Test
    void check_exactShapeMismatch_namesBothShapes() {
        Dataset d = rows(2);
        Field flat = field("seq", new int[] {12}, d.inputs().get(1).values());
        Dataset wrong = new Dataset("pair", List.of(d.inputs().get(0), flat), d.targets(), null);
        NablaException e = assertThrows(NablaException.class, () -> Datasets.check(wrong, pair(), true));
        assertEquals("seq.npy: samples of shape [12] but model Pair takes input seq [B,4,3], samples of shape [4, 3]"
                + " (the same number of values: reshape the array to [4, 3] per sample; only CSV and IDX rows are reshaped"
                + " for you)", e.getMessage());
        Field transposed = field("seq", new int[] {3, 4}, d.inputs().get(1).values());
        Dataset other = new Dataset("pair", List.of(d.inputs().get(0), transposed), d.targets(), null);
        assertThrows(NablaException.class, () -> Datasets.check(other, pair(), true), "[3, 4] is not [4, 3]");
    }

    @Test
    void check_flatRowOfTheSameSize_fitsADeclaredShape_andLabelsOfShapeOneFitAScalarTarget() {
        Dataset d = rows(2);
        Field csvRow = new Field("seq", "rows.csv", new int[] {12}, d.inputs().get(1).values(), false, false);
        Field column = field("y", new int[] {1}, d.targets().get(0).values());
        Dataset ok = new Dataset("pair", List.of(d.inputs().get(0), csvRow), List.of(column, d.targets().get(1)), null);
        assertEquals(List.of("seq", "extra"), Datasets.check(ok, pair(), true).inputs().stream().map(Field::name).toList());
    }

    @Test
    void check_nonFiniteValueOfTheSecondInput_namesItsFile() {
        Dataset d = rows(3);
        float[] extra = d.inputs().get(0).values().clone();
        extra[5] = Float.POSITIVE_INFINITY;
        Dataset bad = new Dataset("pair", List.of(field("extra", new int[] {2}, extra), d.inputs().get(1)), d.targets(), null);
        NablaException e = assertThrows(NablaException.class, () -> Datasets.check(bad, pair(), true));
        assertEquals("extra.npy sample 3, feature 2: Infinity is not a finite number (missing values are not supported)",
                e.getMessage());
    }

    @Test
    void check_labelsOfTheSecondTarget_areCheckedAgainstItsClasses() {
        Dataset d = rows(3);
        Dataset bad = new Dataset("pair", d.inputs(), List.of(field("y", new int[0], new float[] {0, 3, 1}),
                d.targets().get(1)), null);
        NablaException e = assertThrows(NablaException.class, () -> Datasets.check(bad, pair(), true));
        assertEquals("y.npy sample 2: label 3.0 is out of range: the model has 3 classes (0..2)", e.getMessage());
    }

    @Test
    void standardize_fitsEachInputOnItsOwn_andRoundTripsThroughMetadata() {
        Dataset bound = Datasets.bind(rows(4), pair(), true);
        Preprocessing p = Preprocessing.fit(List.of("standardize"), bound);
        Dataset scaled = p.apply(bound);
        for (Field f : scaled.inputs()) {
            double sum = 0;
            for (int r = 0; r < f.rows(); r++) {
                sum += f.value(r, 0);
            }
            assertEquals(0, sum, 1e-4, f.name() + " is centred with its own mean");
            assertEquals(1.3416, Math.abs(f.value(0, 0)), 1e-3, f.name() + ": rows 0..3 standardize to ±1.34, ±0.45");
        }
        assertArrayEquals(bound.targets().get(1).values(), scaled.targets().get(1).values(), "targets are untouched");
        Map<String, String> meta = p.toMetadata();
        assertTrue(meta.containsKey("preprocess.seq.mean") && meta.containsKey("preprocess.extra.std"), meta.toString());
        assertFalse(meta.containsKey("preprocess.mean"), meta.toString());
        Dataset again = Preprocessing.fromMetadata(meta).apply(bound);
        assertArrayEquals(scaled.inputs().get(1).values(), again.inputs().get(1).values());
    }

    @Test
    void npyFilesNamedAfterInputsAndTargets_loadWithTheirShapes() {
        NpyWriter.write(dir.resolve("seq.npy"), new int[] {2, 4, 3}, new float[24]);
        NpyWriter.write(dir.resolve("extra.npy"), new int[] {2, 2}, new float[] {1, 2, 3, 4});
        NpyWriter.write(dir.resolve("size.npy"), new int[] {2}, new float[] {0.5f, 1.5f});
        NpyWriter.write(dir.resolve("labels.npy"), new int[] {2}, new float[] {2, 0});
        Dataset d = DataLoader.load(DataLoader.parse("extra=extra.npy,seq=seq.npy,y=labels.npy,size=size.npy", dir), pair());
        Dataset bound = Datasets.check(d, pair(), true);
        assertArrayEquals(new int[] {4, 3}, bound.inputs().get(0).sampleShape());
        assertEquals(3f, bound.inputs().get(1).value(1, 0));
        assertEquals(1.5f, bound.targets().get(0).value(1, 0));
        assertEquals(2f, bound.targets().get(1).value(0, 0));
        assertEquals(dir.resolve("seq.npy").toString(), bound.inputs().get(0).source(), "paths resolve against the base");
    }

    @Test
    void npyKeyThatIsNoInputOrTarget_listsThem() {
        NpyWriter.write(dir.resolve("a.npy"), new int[] {2, 2}, new float[4]);
        NablaException e = assertThrows(NablaException.class,
                () -> DataLoader.load(DataLoader.parse("sequence=a.npy,extra=a.npy", dir), pair()));
        assertEquals("npy data: \"sequence\" (" + dir.resolve("a.npy") + ") is neither an input nor a target of model Pair"
                + " (inputs: seq, extra; targets: size, y)", e.getMessage());
    }
}
