package dev.nabla.runtime.train;

import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.TrainConfig.DataSpec;
import dev.nabla.runtime.TrainConfig.Schedule;
import dev.nabla.runtime.checkpoint.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingRunTest {

    private static final DataSpec DIGITS = new DataSpec("csv", List.of("../samples/data/digits.csv.gz"), Map.of());

    @TempDir
    Path dir;

    private static TrainConfig config(double validation, Schedule schedule) {
        OptimizerSpec sgd = OptimizerSpec.sgd(0.1, 0.9, 0);
        return new TrainConfig(sgd, schedule, 32, 4, 0, 7, true, false, DIGITS, null, 0.2, validation, 0, List.of("scale"));
    }

    private static SoftmaxRegression digitsModel(TrainConfig config) {
        return new SoftmaxRegression(64, 10, config.optimizer(), config);
    }

    private TrainingRun.Request request(TrainConfig config) {
        return new TrainingRun.Request(null, null, TrainOptions.from(config), null, dir.resolve("digits.safetensors"),
                dir.resolve("run.csv"), dir.resolve("run.svg"));
    }

    @Test
    void digits_trainSaveEvalPredict_endToEnd() throws IOException {
        TrainConfig config = config(0.1, Schedule.CONSTANT);
        SoftmaxRegression model = digitsModel(config);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        ConsoleProgress progress = new ConsoleProgress(new PrintStream(text, true, StandardCharsets.UTF_8), false);
        TrainingRun.Report report = TrainingRun.train(model, request(config), progress);

        assertTrue(report.test().accuracy() >= 0.93, "test accuracy " + report.test().accuracy());
        String out = text.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("training on 1294 samples, validating on 144, testing on 359\n"), out);
        assertEquals(4, out.lines().filter(l -> l.startsWith("epoch ")).count(), out);

        Map<String, String> meta = Safetensors.read(report.saved()).metadata();
        assertEquals("16.0", meta.get("preprocess.divisor"));
        assertEquals("4", meta.get("epoch"));
        List<String> log = Files.readAllLines(dir.resolve("run.csv"));
        assertEquals(RunLog.HEADER, log.get(0));
        assertEquals(5, log.size());
        String svg = Files.readString(dir.resolve("run.svg"));
        assertTrue(svg.startsWith("<svg") && svg.contains("val accuracy") && svg.contains("<polyline"), svg);

        Evaluation again = TrainingRun.evaluate(model, report.saved(), null, 64);
        assertEquals(report.test().accuracy(), again.accuracy(), 1e-12, "eval reproduces the held-out split");
        Predictions p = TrainingRun.predict(model, report.saved(), DIGITS, 64, null);
        assertEquals(1797, p.rows());
        assertEquals(10, p.width());
    }

    @Test
    void resumeFromCheckpoint_continuesStepCount() {
        TrainConfig config = config(0, Schedule.CONSTANT);
        SoftmaxRegression model = digitsModel(config);
        TrainingRun.Report first = TrainingRun.train(model, request(config), ProgressListener.NONE);
        Path next = dir.resolve("next.safetensors");
        TrainingRun.Request resume = new TrainingRun.Request(null, null, TrainOptions.from(config).withEpochs(1),
                first.saved(), next, null, null);
        TrainingRun.train(model, resume, ProgressListener.NONE);
        assertEquals(Long.toString(first.result().steps() + 45), Safetensors.read(next).metadata().get("step"));
    }

    @Test
    void divergingRun_keepsLastGoodCheckpointOnDisk() {
        TrainConfig config = config(0, new Schedule(Schedule.Kind.EXPONENTIAL, 1e7, 1, 0));
        SoftmaxRegression model = digitsModel(config);
        TrainingRun.Request request = request(config);
        NablaException e = assertThrows(NablaException.class, () -> TrainingRun.train(model, request, ProgressListener.NONE));
        assertTrue(e.getMessage().startsWith("training diverged at epoch 2, step "), e.getMessage());
        assertEquals("1", Safetensors.read(request.save()).metadata().get("epoch"));
    }

    @Test
    void digitsWithModelOfFourInputs_featureCountMismatchNamesFileAndInput() {
        TrainConfig config = config(0, Schedule.CONSTANT);
        SoftmaxRegression model = new SoftmaxRegression(4, 10, config.optimizer(), config);
        NablaException e = assertThrows(NablaException.class, () -> TrainingRun.train(model, request(config), ProgressListener.NONE));
        assertTrue(e.getMessage().startsWith("../samples/data/digits.csv.gz: 64 features per sample")
                && e.getMessage().contains("input x [B,4]"), e.getMessage());
    }

    @Test
    void logPathThatIsADirectory_failsBeforeTrainingReplacesTheCheckpoint() throws IOException {
        TrainConfig config = config(0, Schedule.CONSTANT);
        SoftmaxRegression model = digitsModel(config);
        TrainingRun.Request request = request(config);
        Files.writeString(request.save(), "the previous checkpoint");
        Path logDir = Files.createDirectories(dir.resolve("run.csv"));
        TrainingRun.Request withLog = new TrainingRun.Request(request.data(), request.validation(), request.options(),
                null, request.save(), logDir, null);
        NablaException e = assertThrows(NablaException.class, () -> TrainingRun.train(model, withLog, ProgressListener.NONE));
        assertEquals("cannot write the log " + logDir + ": it is a directory", e.getMessage());
        assertEquals("the previous checkpoint", Files.readString(request.save()));
    }

    @Test
    void noTrainingData_explainsWhereToNameIt() {
        SoftmaxRegression model = new SoftmaxRegression(4, 3, OptimizerSpec.sgd(0.1, 0, 0));
        TrainingRun.Request r = new TrainingRun.Request(null, null, TrainOptions.from(TrainConfig.EMPTY), null, null, null, null);
        NablaException e = assertThrows(NablaException.class, () -> TrainingRun.train(model, r, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("has no training data"), e.getMessage());
    }
}
