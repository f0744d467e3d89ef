package dev.nabla.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Option values at and past the limits are user errors with a message, exit 1, never a stack trace. */
class OptionLimitsCommandTest {

    static final String IRIS = "../samples/iris.nabla";

    static void assertUserError(CliRun run, String expected) {
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.err().contains(expected), run.err());
        assertFalse(run.err().contains("internal error") || run.err().contains("\tat "), run.err());
    }

    @Test
    void train_batchTooLargeForAJavaArray_saysSo() {
        assertUserError(CliRun.of("train", IRIS, "--batch", "2000000000", "--epochs", "1"),
                "nabla: error: batch 2000000000 is too large: x [B, 4] would need more than");
    }

    @Test
    void zeroOrOutOfRangeCounts_areRefusedBeforeAnyWork() {
        assertUserError(CliRun.of("train", IRIS, "--steps", "0"), "nabla: error: --steps must be at least 1, got 0");
        assertUserError(CliRun.of("train", IRIS, "--epochs", "0"), "nabla: error: --epochs must be at least 1, got 0");
        assertUserError(CliRun.of("train", IRIS, "--batch", "0"), "nabla: error: --batch must be at least 1, got 0");
        assertUserError(CliRun.of("train", IRIS, "--threads", "0"), "nabla: error: --threads must be between 1 and 64, got 0");
        assertUserError(CliRun.of("eval", IRIS, "--weights", "w.safetensors", "--threads", "65"),
                "nabla: error: --threads must be between 1 and 64, got 65");
        assertUserError(CliRun.of("eval", IRIS, "--weights", "w.safetensors", "--batch", "-1"),
                "nabla: error: --batch must be at least 1, got -1");
        assertUserError(CliRun.of("predict", IRIS, "--weights", "w.safetensors", "--input", "x.csv", "--batch", "0"),
                "nabla: error: --batch must be at least 1, got 0");
    }
}
