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
}
