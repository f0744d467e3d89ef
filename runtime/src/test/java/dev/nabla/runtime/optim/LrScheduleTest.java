package dev.nabla.runtime.optim;

import dev.nabla.runtime.TrainConfig.Schedule;
import dev.nabla.runtime.TrainConfig.Schedule.Kind;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LrScheduleTest {

    @Test
    void constant_sameRateEveryStep() {
        LrSchedule s = new LrSchedule(Schedule.CONSTANT, 0.1, 10, 100);
        assertEquals(0.1, s.lrAt(0), 1e-15);
        assertEquals(0.1, s.lrAt(99), 1e-15);
    }

    @Test
    void step_decaysByGammaEveryStepSizeEpochs() {
        LrSchedule s = new LrSchedule(new Schedule(Kind.STEP, 0.5, 2, 0), 0.1, 10, 100);
        assertEquals(0.1, s.lrAt(19), 1e-15);
        assertEquals(0.05, s.lrAt(20), 1e-15);
        assertEquals(0.05, s.lrAt(39), 1e-15);
        assertEquals(0.025, s.lrAt(40), 1e-15);
    }

    @Test
    void exponential_decaysOncePerEpoch() {
        LrSchedule s = new LrSchedule(new Schedule(Kind.EXPONENTIAL, 0.9, 1, 0), 1.0, 4, 40);
        assertEquals(1.0, s.lrAt(3), 1e-15);
        assertEquals(0.9, s.lrAt(4), 1e-15);
        assertEquals(0.9 * 0.9 * 0.9, s.lrAt(13), 1e-15);
    }

    @Test
    void cosine_fromBaseToZeroOverAllSteps() {
        LrSchedule s = new LrSchedule(new Schedule(Kind.COSINE, 1, 1, 0), 0.2, 10, 100);
        assertEquals(0.2, s.lrAt(0), 1e-15);
        assertEquals(0.1, s.lrAt(50), 1e-12);
        assertEquals(0.2 * (1 + Math.cos(Math.PI * 25 / 100)) / 2, s.lrAt(25), 1e-15);
        assertEquals(0.0, s.lrAt(100), 1e-15);
    }

    @Test
    void warmup_rampsLinearlyThenHandsOverToSchedule() {
        LrSchedule s = new LrSchedule(new Schedule(Kind.CONSTANT, 1, 1, 4), 0.4, 10, 100);
        assertEquals(0.1, s.lrAt(0), 1e-15);
        assertEquals(0.2, s.lrAt(1), 1e-15);
        assertEquals(0.4, s.lrAt(3), 1e-15);
        assertEquals(0.4, s.lrAt(4), 1e-15);
    }

    @Test
    void warmup_combinesWithCosine() {
        LrSchedule s = new LrSchedule(new Schedule(Kind.COSINE, 1, 1, 10), 1.0, 10, 100);
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 4 / 100)) / 2, s.lrAt(4), 1e-15);
    }
}
