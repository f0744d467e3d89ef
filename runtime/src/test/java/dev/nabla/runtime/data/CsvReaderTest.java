package dev.nabla.runtime.data;

import dev.nabla.runtime.NablaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvReaderTest {

    private static final Path SAMPLES = Path.of("../samples/data");

    @TempDir
    Path dir;

    private Dataset load(String content, String options) throws IOException {
        Path file = Files.writeString(dir.resolve("d.csv"), content);
        return DataLoader.load(DataLoader.parse(file + (options.isEmpty() ? "" : "," + options), dir));
    }

    private NablaException failure(String content, String options) {
        return assertThrows(NablaException.class, () -> load(content, options));
    }

    @Test
    void sklearnLayout_iris_countsCheckedAndLabelLast() {
        Dataset iris = DataLoader.load(DataLoader.parse("iris.csv", SAMPLES));
        assertEquals(150, iris.rows());
        assertEquals(4, iris.featureCount());
        assertEquals(5.1f, iris.feature(0, 0));
        assertEquals(2f, iris.target(149, 0));
        assertEquals("line 2", iris.describeRow(0));
    }

    @Test
    void sklearnDigits_gzippedWithoutCountLine_allRowsAreData() {
        Dataset digits = DataLoader.load(DataLoader.parse("digits.csv.gz", SAMPLES));
        assertEquals(1797, digits.rows());
        assertEquals(64, digits.featureCount());
        assertEquals(0f, digits.target(0, 0));
        assertEquals(1f, digits.target(1, 0));
    }

    @Test
    void sklearnLayout_wrongSampleCount_isReported() {
        NablaException e = failure("3,2,a,b\n1,2,0\n3,4,1\n", "");
        assertTrue(e.getMessage().endsWith("line 1 announces 3 samples but the file has 2"), e.getMessage());
    }

    @Test
    void header_skippedAndLabelChosenByName() throws IOException {
        Dataset d = load("kind,width,height\n1,2.5,3\n0,4,5\n", "header=true,label=kind");
        assertEquals(2, d.rows());
        assertEquals(2.5f, d.feature(0, 0));
        assertEquals(0f, d.target(1, 0));
    }

    @Test
    void labelColumn_firstOrNegativeIndex() throws IOException {
        Dataset first = load("1,2,3\n4,5,6\n", "label=0");
        assertEquals(4f, first.target(1, 0));
        assertEquals(6f, first.feature(1, 1));
        Dataset second = load("1,2,3\n4,5,6\n", "label=-2");
        assertEquals(5f, second.target(1, 0));
    }

    @Test
    void drop_columnIsNeitherFeatureNorLabel() throws IOException {
        Dataset d = load("1,2,3,9\n4,5,6,9\n", "label=0,drop=-1");
        assertEquals(2, d.featureCount());
        assertEquals(4f, d.target(1, 0));
        assertEquals(5f, d.feature(1, 0));
        assertEquals(6f, d.feature(1, 1));
    }

    @Test
    void drop_sklearnWine_alcoholAsTargetWithoutTheClassColumn() {
        Dataset d = DataLoader.load(DataLoader.parse("wine_data.csv,label=0,drop=-1", SAMPLES));
        assertEquals(178, d.rows());
        assertEquals(12, d.featureCount());
        assertEquals(14.23f, d.target(0, 0));
        assertEquals(1065f, d.feature(0, 11));
    }

    @Test
    void drop_sameColumnAsLabel_isReported() {
        assertTrue(failure("1,2,3\n", "label=-1,drop=2").getMessage().contains("both the label and dropped"));
    }

    @Test
    void csv_nonNumericField_namesFileLineAndColumn() {
        NablaException e = failure("1,2,0\n3,abc,1\n", "");
        assertTrue(e.getMessage().endsWith("d.csv line 2, column 2: \"abc\" is not a number"), e.getMessage());
    }

    @Test
    void csv_nanField_rejectedAsMissingValue() {
        NablaException e = failure("1,2,0\n3,NaN,1\n", "");
        assertTrue(e.getMessage().endsWith("d.csv line 2, column 2: \"NaN\" is not a finite number (missing values are not supported)"),
                e.getMessage());
    }

    @Test
    void csv_byteOrderMark_ignored() throws IOException {
        assertEquals(1f, load("\uFEFF1,2,0\n3,4,1\n", "").feature(0, 0));
    }

    @Test
    void csv_rowWithMissingField_namesLine() {
        NablaException e = failure("1,2,0\n3,1\n", "");
        assertTrue(e.getMessage().endsWith("d.csv line 2: 2 fields, expected 3"), e.getMessage());
    }

    @Test
    void csv_labelColumnOutOfBounds_isReported() {
        NablaException e = failure("1,2,0\n", "label=5");
        assertTrue(e.getMessage().contains("label column 5 does not exist"), e.getMessage());
    }

    @Test
    void plainLayout_countLikeFirstLineIsData() throws IOException {
        NablaException e = failure("2,1,a\n1,2,0\n", "layout=plain");
        assertTrue(e.getMessage().contains("line 1, column 3"), e.getMessage());
        assertFalse(load("2,1,0\n1,2,0\n", "").rows() != 2, "numeric first line of data width is data");
    }
}
