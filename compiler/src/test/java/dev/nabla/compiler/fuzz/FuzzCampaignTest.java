package dev.nabla.compiler.fuzz;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A slice of the fuzzing campaign in the normal suite: 2,000 seeded inputs through every stage with no internal
 * error, mismatch or hang. {@code bench/fuzz} runs the same at scale (docs/reliability.md).
 */
class FuzzCampaignTest {

    static final int SLICE = Integer.getInteger("fuzz.inputs", 2000);

    @Test
    void seededSlice_hasNoInternalErrorMismatchOrHang() throws IOException, InterruptedException {
        FuzzCampaign.Report report = new FuzzCampaign(FuzzCampaign.samples(Path.of("../samples")), 20261130, 30_000, null)
                .run(SLICE, 2);
        System.out.print(report.summary());
        assertEquals(0, report.failed(), String.join("\n", report.failures()) + "\n" + report.summary());
    }

    /**
     * Input 14,007 of seed 1 (digits_bn with its input shifted by 512 before a batch norm of two rows, plain-Java
     * kernels): the rounded reference landed near the exact weight gradient for one element by chance while the
     * kernel, summing in its own order, did not; the tolerance now allows for the whole tensor's rounding.
     */
    @Test
    void batchNormOfShiftedRows_agreesWithinTheTensorsRoundingNoise() throws IOException {
        int i = 14007;
        long seed = 1;
        String source = FuzzCampaign.input(FuzzCampaign.samples(Path.of("../samples")), seed, i);
        Outcome o = FuzzRunner.run(source, i % 2 == 0, seed + i);
        assertEquals(Outcome.Kind.OK, o.kind(), o.detail());
    }

    /**
     * Input 149,031 of seed 31337 (a convolutional sample whose second convolution reads its input shifted by 512,
     * plain-Java kernels): one max pooling window holds two values 4e-7 apart, relative, which float32 may order the
     * other way, and the first layer's weight gradient came out 0.8% off the double reference. Such a run is not
     * compared; without the check this replay is a MISMATCH.
     */
    @Test
    void maxPoolingNearTie_isNotCompared() throws IOException {
        String source = Files.readString(Path.of("src/test/resources/fuzz-corpus/max-pool-near-tie.nabla"),
                StandardCharsets.UTF_8);
        Outcome o = FuzzRunner.run(source, false, 31337 + 149031);
        assertEquals(Outcome.Kind.UNCOMPARED, o.kind(), o.detail());
        assertTrue(o.detail().contains("which float32 may order the other way"), o.detail());
    }
}
