package dev.nabla.compiler.fuzz;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
