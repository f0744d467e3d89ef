package dev.nabla.onnx;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.codegen.ModelCompiler;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.checkpoint.Checkpoint;
import dev.nabla.runtime.data.DataLoader;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.data.NpyWriter;
import dev.nabla.runtime.data.Preprocessing;
import dev.nabla.runtime.init.Initializer;
import dev.nabla.runtime.train.TrainingRun;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.ValueInfoProto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every sample exported with weights and run by ONNX Runtime computes what {@code nabla predict} prints for the same
 * checkpoint and raw inputs, at batch 1 and 37 through the one symbolic batch dimension, and passes ONNX's own checker
 * (Debian's python3-onnx, which .ci/run installs: without it the checker test fails).
 *
 * <p>Weights are the model's initializers plus seeded noise (so zero-initialized biases are not zero and batch norm's
 * running statistics are not the identity), preprocessing is fitted on the sample's own data, and the inputs are the
 * first 37 raw rows of that data. Tolerance: |onnx - nabla| &lt;= 1e-5 * max(|nabla|, 0.1), i.e. 1e-5 relative with an
 * absolute floor of 1e-6 for values near 0, where relative error says nothing (probabilities of 1e-9).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleExportTest {

    private static final int ROWS = 37;
    /** The layers each sample must export as ONNX operators of their own. */
    private static final Map<String, Map<String, Integer>> LAYERS = Map.of(
            "digits_bn", Map.of("BatchNormalization", 1),
            "digits_gru", Map.of("GRU", 1),
            "fashion_cnn_bn", Map.of("BatchNormalization", 2));

    private final Path dir;

    SampleExportTest() throws IOException {
        // NABLA_ONNX_KEEP=DIR keeps the exported models there, to look at (python3 -c 'import onnx; ...')
        String keep = System.getenv("NABLA_ONNX_KEEP");
        dir = keep != null ? Files.createDirectories(Path.of(keep)) : Files.createTempDirectory("nabla-onnx");
    }

    static Stream<String> samples() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("../samples"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".nabla"))
                    .map(n -> n.substring(0, n.length() - ".nabla".length())).sorted().toList().stream();
        }
    }

    /** A sample exported: its model, compiled model, checkpoint, the first raw rows of its data, the export. */
    private record Exported(ModelIr model, CompiledModel compiled, Path checkpoint, float[] rows, OnnxExport.Result result,
                            Path file) {
    }

    private final Map<String, Exported> exports = new ConcurrentHashMap<>();

    private Exported exported(String sample) {
        return exports.computeIfAbsent(sample, this::export);
    }

    private Exported export(String sample) {
        Compilation c = Compiler.compileFile(Path.of("../samples", sample + ".nabla"));
        assertTrue(c.ok(), c.render());
        ModelIr model = c.models().get(0);
        CompiledModel compiled = ModelCompiler.compile(model, model.config().optimizer()).load();
        ModelSpec spec = compiled.spec();
        Dataset data = sampleData(model.config(), spec);
        Path checkpoint = checkpoint(spec, Preprocessing.fit(model.config().preprocess(), data), dir.resolve(sample + ".safetensors"));
        OnnxExport.Result result = OnnxExport.export(model, ExportWeights.load(model, checkpoint));
        Path file = dir.resolve(sample + ".onnx");
        try {
            Files.write(file, result.model().toByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        float[] raw = data.inputs().get(0).values();
        return new Exported(model, compiled, checkpoint, Arrays.copyOf(raw, ROWS * data.inputs().get(0).width()), result, file);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void onnxRuntimeComputesWhatNablaPredictPrints(String sample) throws Exception {
        Exported e = exported(sample);
        assertDeclarations(e.model(), e.result().model());
        assertEquals(LAYERS.getOrDefault(sample, Map.of()), e.result().layers(), "layers written as ONNX operators");
        ModelSpec spec = e.compiled().spec();
        BufferSpec input = spec.buffers().get(spec.indicesOf(BufferRole.INPUT).get(0));
        try (OnnxRuntimeRunner onnx = new OnnxRuntimeRunner(e.result().model().toByteArray())) {
            for (int rows : new int[] {1, ROWS}) {
                float[] x = Arrays.copyOf(e.rows(), rows * input.rowSize());
                long[] shape = shape(input, rows);
                Path npy = NpyWriter.write(dir.resolve(sample + "-" + rows + ".npy"),
                        Arrays.stream(shape).mapToInt(d -> (int) d).toArray(), x);
                Map<String, float[]> got = onnx.run(Map.of(input.name(), OnnxRuntimeRunner.Input.floats(shape, x)));
                for (Graph.Output o : e.model().inference().outputs(Graph.OutputRole.OUTPUT)) {
                    float[] expected = TrainingRun.predict(e.compiled(), e.checkpoint(), DataLoader.parse(npy.toString(), dir),
                            rows, o.name()).values();
                    assertClose(expected, got.get(o.name()), sample + " " + o.name() + " at batch " + rows);
                }
            }
        }
    }

    /** ONNX's checker with shape inference ({@code full_check}) on every exported sample. */
    @Test
    void everyExportPassesOnnxChecker() throws Exception {
        OnnxChecker.check(samples().map(s -> exported(s).file()).toList());
    }

    @AfterAll
    void cleanUp() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(p -> System.getenv("NABLA_ONNX_KEEP") == null).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The sample's test data when it names some, else its training data: raw, before preprocessing. */
    private static Dataset sampleData(TrainConfig config, ModelSpec spec) {
        return DataLoader.load(config.testData() != null ? config.testData() : config.trainData(), spec);
    }

    /** Initial weights moved by seeded noise; state (running statistics) positive and away from 0 and 1. */
    static Path checkpoint(ModelSpec spec, Preprocessing preprocessing, Path file) {
        return checkpoint(spec, preprocessing.toMetadata(), file);
    }

    static Path checkpoint(ModelSpec spec, Map<String, String> preprocessing, Path file) {
        float[][] buffers = spec.allocate(1);
        Initializer.initialize(spec, buffers, 5);
        Random r = new Random(17);
        for (int i = 0; i < buffers.length; i++) {
            BufferSpec b = spec.buffers().get(i);
            for (int k = 0; k < b.size(1); k++) {
                if (b.role() == BufferRole.PARAM) {
                    buffers[i][k] += (float) (0.05 * r.nextGaussian());
                } else if (b.role() == BufferRole.STATE) {
                    buffers[i][k] = 0.5f + r.nextFloat();
                }
            }
        }
        Map<String, String> meta = new LinkedHashMap<>(preprocessing);
        meta.put("format", "nabla");
        meta.put("model", spec.name());
        Checkpoint.save(file, spec, buffers, meta);
        return file;
    }

    static long[] shape(BufferSpec b, int rows) {
        return Arrays.stream(b.shape()).mapToLong(d -> d == BufferSpec.BATCH ? rows : d).toArray();
    }

    /** Inputs and outputs named as declared, typed, with the symbolic batch dimension B. */
    static void assertDeclarations(ModelIr model, ModelProto proto) {
        List<String> inputs = model.inference().inputs(Graph.InputRole.INPUT).stream().map(in -> in.value().name()).toList();
        List<String> outputs = model.inference().outputs(Graph.OutputRole.OUTPUT).stream().map(Graph.Output::name).toList();
        assertEquals(inputs, proto.getGraph().getInputList().stream().map(ValueInfoProto::getName).toList());
        assertEquals(outputs, proto.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList());
        for (ValueInfoProto v : proto.getGraph().getInputList()) {
            assertEquals("B", v.getType().getTensorType().getShape().getDim(0).getDimParam(), v.getName());
        }
        assertEquals(OnnxExport.OPSET, proto.getOpsetImport(0).getVersion());
        assertTrue(proto.getGraph().getNodeList().stream().map(NodeProto::getOpType).noneMatch(String::isEmpty));
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": element count");
        for (int k = 0; k < expected.length; k++) {
            double tolerance = 1e-5 * Math.max(Math.abs(expected[k]), 0.1);
            if (!(Math.abs(expected[k] - actual[k]) <= tolerance)) {
                fail(what + ": element " + k + " is " + actual[k] + ", nabla predict gives " + expected[k]
                        + " (tolerance " + tolerance + ")");
            }
        }
    }
}
