package dev.nabla.runtime.data;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetsTest {

    private static ModelSpec model(int features, int classes) {
        return new ModelSpec("Iris", "iris.nabla", List.of(
                new BufferSpec("x", BufferRole.INPUT, new int[] {BufferSpec.BATCH, features}),
                new BufferSpec("species", BufferRole.TARGET, new int[] {BufferSpec.BATCH}, null, null, classes)),
                OptimizerSpec.sgd(0.1, 0, 0), TrainConfig.EMPTY);
    }

    private static Dataset rows(int n) {
        float[] x = new float[n * 2];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 10 * i;
            y[i] = i % 3;
        }
        return Dataset.of("rows.csv", x, 2, y, 1);
    }

    @Test
    void check_featureCountMismatch_namesFileAndModelInput() {
        NablaException e = assertThrows(NablaException.class, () -> Datasets.check(rows(4), model(4, 3), true));
        assertEquals("rows.csv: 2 features per sample (shape [2]) but model Iris takes input x [B,4] = 4 per sample",
                e.getMessage());
    }

    @Test
    void check_labelOutOfRange_namesLineAndClasses() {
        Dataset iris = DataLoader.load(DataLoader.parse("../samples/data/iris.csv", java.nio.file.Path.of(".")));
        NablaException e = assertThrows(NablaException.class, () -> Datasets.check(iris, model(4, 2), true));
        assertTrue(e.getMessage().endsWith("iris.csv line 102: label 2.0 is out of range: the model has 2 classes (0..1)"),
                e.getMessage());
    }

    @Test
    void check_nanFeature_namesSampleAndFeature() {
        Dataset d = Dataset.of("x.npy", new float[] {1, 2, 3, Float.NaN}, 2, new float[] {0, 1}, 1);
        NablaException e = assertThrows(NablaException.class, () -> Datasets.check(d, model(2, 3), true));
        assertEquals("x.npy sample 2, feature 2: NaN is not a finite number (missing values are not supported)", e.getMessage());
    }

    @Test
    void check_fractionalLabel_isOutOfRange() {
        Dataset d = Dataset.of("y.npy", new float[] {1, 2}, 2, new float[] {0.5f}, 1);
        NablaException e = assertThrows(NablaException.class, () -> Datasets.check(d, model(2, 3), true));
        assertTrue(e.getMessage().contains("sample 1: label 0.5 is out of range"), e.getMessage());
    }

    @Test
    void split_seededDisjointAndComplete() {
        Datasets.Split a = Datasets.split(rows(100), 0.2, 7, "test");
        Datasets.Split b = Datasets.split(rows(100), 0.2, 7, "test");
        Datasets.Split c = Datasets.split(rows(100), 0.2, 8, "test");
        assertEquals(80, a.kept().rows());
        assertEquals(20, a.heldOut().rows());
        Set<Float> seen = new HashSet<>();
        for (Dataset d : List.of(a.kept(), a.heldOut())) {
            for (int r = 0; r < d.rows(); r++) {
                assertTrue(seen.add(d.feature(r, 0)));
            }
        }
        assertEquals(100, seen.size());
        assertEquals(a.heldOut().feature(3, 0), b.heldOut().feature(3, 0));
        boolean differs = false;
        for (int r = 0; r < 20; r++) {
            differs |= a.heldOut().feature(r, 0) != c.heldOut().feature(r, 0);
        }
        assertTrue(differs, "another seed holds out other rows");
    }

    @Test
    void standardize_usesTrainingStatisticsOnly() {
        Dataset train = Dataset.of("t", new float[] {1, 10, 3, 30}, 2, null, 0);
        Dataset test = Dataset.of("v", new float[] {5, 50}, 2, null, 0);
        Preprocessing p = Preprocessing.fit(List.of("standardize"), train);
        Dataset t = p.apply(test);
        assertEquals(3f, t.feature(0, 0), 1e-6);
        assertEquals(3f, t.feature(0, 1), 1e-6);
        assertEquals(-1f, p.apply(train).feature(0, 0), 1e-6);
    }

    @Test
    void scale_byTrainingMax_or255ForBytes_roundTripsThroughMetadata() {
        Dataset train = Dataset.of("t", new float[] {4, -8, 2, 1}, 2, null, 0);
        Preprocessing p = Preprocessing.fit(List.of("scale"), train);
        assertEquals(-1f, p.apply(train).feature(0, 1));
        Dataset bytes = new Dataset("b", new float[] {51, 0}, new int[] {2}, null, 0, true, null);
        assertEquals(0.2f, Preprocessing.fit(List.of("scale"), bytes).apply(bytes).feature(0, 0), 1e-7);
        Preprocessing both = Preprocessing.fit(List.of("scale", "standardize"), train);
        Map<String, String> meta = both.toMetadata();
        Preprocessing restored = Preprocessing.fromMetadata(meta);
        assertEquals(both.apply(train).feature(1, 1), restored.apply(train).feature(1, 1));
    }

    @Test
    void unknownPreprocessing_isNamed() {
        NablaException e = assertThrows(NablaException.class, () -> Preprocessing.fit(List.of("normalise"), rows(2)));
        assertTrue(e.getMessage().contains("\"normalise\""));
    }
}
