package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainBlockTest {

    private static TrainConfig config(String file, String train) {
        Compilation c = Compiler.compileSource(file, """
                model M {
                    input x : f32[B, 4]
                    output o = x
                    train {
                %s
                    }
                }
                """.formatted(train));
        assertTrue(c.ok(), c.render());
        return c.model(null).config();
    }

    @Test
    void noTrainBlock_givesTheEmptyConfig() {
        assertSame(TrainConfig.EMPTY, Models.withBody("output o = x").config());
    }

    @Test
    void sgdWithNesterov_isNesterovWithDefaultMomentum() {
        OptimizerSpec o = config("m.nabla", "optimizer = sgd(lr = 0.1, nesterov = true)").optimizer();
        assertEquals(OptimizerSpec.Kind.NESTEROV, o.kind());
        assertEquals(0.1, o.lr());
        assertEquals(0.9, o.momentum());
    }

    @Test
    void everyOptimizerAndScheduleOfTheSharedVocabulary_isAcceptedByTheLanguage() {
        OptimizerSpec.NAMES.forEach((name, kind) ->
                assertEquals(OptimizerSpec.defaults(kind), config("m.nabla", "optimizer = " + name).optimizer(), name));
        TrainConfig.Schedule.NAMES.forEach((name, kind) ->
                assertEquals(kind, config("m.nabla", "schedule = " + name).schedule().kind(), name));
        OptimizerSpec n = config("m.nabla", "optimizer = nesterov(lr = 0.1, momentum = 0.8)").optimizer();
        assertEquals(new OptimizerSpec(OptimizerSpec.Kind.NESTEROV, 0.1, 0.8, 0.9, 0.999, 0.99, 1e-8, 0), n);
    }

    @Test
    void bareOptimizerName_takesPyTorchDefaults() {
        assertEquals(OptimizerSpec.defaults(OptimizerSpec.Kind.ADAMW), config("m.nabla", "optimizer = adamw").optimizer());
        OptimizerSpec r = config("m.nabla", "optimizer = rmsprop(alpha = 0.9, momentum = 0.5)").optimizer();
        assertEquals(new OptimizerSpec(OptimizerSpec.Kind.RMSPROP, 0.01, 0.5, 0.9, 0.999, 0.9, 1e-8, 0), r);
    }

    @Test
    void scheduleAndWarmup_combine() {
        TrainConfig c = config("m.nabla", "schedule = step(every = 5, gamma = 0.5)\nwarmup = 100");
        assertEquals(new TrainConfig.Schedule(TrainConfig.Schedule.Kind.STEP, 0.5, 5, 100), c.schedule());
        assertEquals(TrainConfig.Schedule.Kind.COSINE, config("m.nabla", "schedule = cosine").schedule().kind());
        assertEquals(0.95, config("m.nabla", "schedule = exponential").schedule().gamma());
    }

    @Test
    void scalarSettings_areRead() {
        TrainConfig c = config("m.nabla", """
                batch = 8; epochs = 3; seed = 1234567890123
                clip = 1.5; shuffle = false; drop_last = true
                validation = 0.1; early_stopping = 4; preprocess = [scale, standardize]""");
        assertEquals(List.of(8, 3), List.of(c.batchSize(), c.epochs()));
        assertEquals(1234567890123L, c.seed());
        assertEquals(1.5, c.clipNorm());
        assertEquals(List.of(false, true), List.of(c.shuffle(), c.dropLast()));
        assertEquals(0.1, c.validationSplit());
        assertEquals(4, c.earlyStopping());
        assertEquals(List.of("scale", "standardize"), c.preprocess());
    }

    @Test
    void dataPaths_resolveAgainstTheModelFilesDirectory() {
        TrainConfig c = config("models/m.nabla", """
                data = csv("../data/train.csv", label = 0, header = true)
                test = npy(x = "x.npy", y = "/abs/y.npy")""");
        assertEquals(new TrainConfig.DataSpec("csv", List.of("data/train.csv"),
                Map.of("label", "0", "header", "true", "layout", "sklearn")), c.trainData());
        assertEquals(List.of("models/x.npy", "/abs/y.npy"), c.testData().paths());
        assertNull(config("m.nabla", "batch = 2").trainData());
    }

    @Test
    void idxData_takesImagesAndLabels() {
        TrainConfig c = config("m.nabla", "data = idx(images = \"a.gz\", labels = \"b.gz\")");
        assertEquals(new TrainConfig.DataSpec("idx", List.of("a.gz", "b.gz"), Map.of()), c.trainData());
    }

    private static final String TWO_INPUTS = """
            model Pair {
                input seq : f32[B, 8, 4]
                input extra : f32[B, 3]
                target y : i32[B] classes 2
                logits = dense(flatten(seq), 2) + dense(extra, 2)
                output probs = softmax(logits)
                loss = cross_entropy(logits, y)
                train {
                    data = %s
                }
            }
            """;

    private static Compilation twoInputs(String data) {
        return Compiler.compileSource("d/pair.nabla", TWO_INPUTS.formatted(data));
    }

    @Test
    void npyData_namedAfterTheModelsInputsAndTarget_keyedByThoseNames() {
        Compilation c = twoInputs("npy(seq = \"seq.npy\", extra = \"extra.npy\", y = \"labels.npy\")");
        assertTrue(c.ok(), c.render());
        assertEquals(new TrainConfig.DataSpec("npy", List.of(),
                Map.of("seq", "d/seq.npy", "extra", "d/extra.npy", "y", "d/labels.npy")), c.model(null).config().trainData());
    }

    @Test
    void npyData_lonelyInputByItsNameAndTargetAsY_isAccepted() {
        TrainConfig c = config("m.nabla", "data = npy(x = \"a.npy\")");
        assertEquals(List.of("a.npy"), c.trainData().paths(), "a model without targets needs no y");
    }

    @Test
    void npyData_unknownKey_isPositionedAndListsInputsAndTargets() {
        Compilation c = twoInputs("npy(extr = \"extra.npy\", seq = \"seq.npy\", y = \"labels.npy\")");
        assertEquals(1, c.diagnostics().size(), c.render());
        assertTrue(c.render().contains("d/pair.nabla:9:20: error: train setting 'data': 'extr' is not an input or target of"
                + " model Pair; did you mean 'extra'? (inputs: seq, extra; targets: y)"), c.render());
    }

    @Test
    void npyData_missingInput_isAnErrorShowingTheFullCall() {
        Compilation c = twoInputs("npy(seq = \"seq.npy\", y = \"labels.npy\")");
        assertTrue(c.render().contains("error: train setting 'data': no file for input 'extra' of model Pair: npy data takes"
                + " one file per input and target, as in npy(seq = \"seq.npy\", extra = \"extra.npy\", y = \"y.npy\")"), c.render());
    }

    @Test
    void npyData_xForAModelOfTwoInputs_isAnError() {
        Compilation c = twoInputs("npy(x = \"x.npy\", y = \"labels.npy\")");
        assertTrue(c.render().contains("d/pair.nabla:9:20: error: train setting 'data': 'x' stands for the input of a model"
                + " with one; model Pair has inputs seq, extra"), c.render());
    }

    @Test
    void npyData_aliasAndNameOfTheSameInput_isAnError() {
        Compilation c = Compiler.compileSource("m.nabla", """
                model M {
                    input pixels : f32[B, 4]
                    output o = pixels
                    train { data = npy(x = "a.npy", pixels = "b.npy") }
                }
                """);
        assertTrue(c.render().contains("'x' and 'pixels' both name the input 'pixels'"), c.render());
    }
}
