package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * lr-find on the digits sample (SGD with momentum) suggests a rate within 3x of the sample's own 0.05, training at the
 * suggested rate reaches 95% on the held-out split in the sample's epochs, and the weights are left unsaved.
 */
class LrFindCommandTest {

    @TempDir
    Path dir;

    @Test
    void suggestsARateThatTrainsDigitsToNinetyFivePercent() throws IOException {
        Path svg = dir.resolve("lr.svg");
        CliRun find = CliRun.of("lr-find", "../samples/digits.nabla", "--plot", svg.toString());
        assertEquals(0, find.exit(), find.err());
        double suggested = number(find.out(), "suggested learning rate: (\\S+) ");
        assertTrue(suggested > 0.05 / 3 && suggested < 0.05 * 3, find.out());
        String plot = Files.readString(svg);
        assertTrue(plot.startsWith("<svg") && plot.contains("<polyline") && plot.contains("suggested"), plot);
        assertTrue(Files.notExists(Path.of("../samples/digits.lr.svg")) || !find.out().contains("../samples/digits.lr.svg"));

        CliRun train = CliRun.of("train", "../samples/digits.nabla", "--lr", Double.toString(suggested), "--no-save");
        assertEquals(0, train.exit(), train.err());
        double accuracy = number(train.out().substring(train.out().indexOf("test set:")), "accuracy (\\d+\\.\\d+)%");
        assertTrue(accuracy >= 95, train.out());
    }

    @Test
    void anEmptyRange_isAClearError() {
        CliRun r = CliRun.of("lr-find", "../samples/digits.nabla", "--start", "1", "--end", "0.1");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("0 < start < end"), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
