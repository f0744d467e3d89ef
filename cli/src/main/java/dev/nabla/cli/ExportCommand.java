package dev.nabla.cli;

import dev.nabla.compiler.ModelIr;
import dev.nabla.onnx.ExportWeights;
import dev.nabla.onnx.OnnxExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code nabla export FILE --weights CKPT [--format onnx] -o model.onnx}: the inference graph and weights for other runtimes. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Writes a model's inference graph with trained weights as an ONNX model (opset "
                + OnnxExport.OPSET + ") for ONNX Runtime, TensorRT, OpenVINO or a browser: the batch dimension symbolic (B),"
                + " inputs and outputs named as declared, the checkpoint's preprocessing as the first nodes, batch_norm and"
                + " gru as ONNX's BatchNormalization and GRU (see docs/onnx.md).")
final class ExportCommand implements Callable<Integer> {

    static final String FORMAT = "onnx";

    @Spec
    CommandSpec spec;

    @Mixin
    ModelSource source;

    @Option(names = "--weights", required = true, paramLabel = "CKPT", description = "a checkpoint written by nabla train")
    Path weights;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = FORMAT,
            description = "the file format: onnx, the only one so far (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "the model file to write")
    Path output;

    @Override
    public Integer call() {
        if (!format.toLowerCase(Locale.ROOT).equals(FORMAT)) {
            throw new UserError("unknown export format '" + format + "' (" + FORMAT + ")");
        }
        if (!Files.isRegularFile(weights)) {
            throw new UserError("no such checkpoint: " + weights);
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new UserError("cannot write " + output + ": no such directory " + parent);
        }
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        ModelIr model = source.load(err);
        OnnxExport.Result r = OnnxExport.write(model, ExportWeights.load(model, weights), output);
        String layers = r.layers().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
        err.printf("exported %s to %s: ONNX opset %d, %d nodes%s, %d KiB, in %.0f ms%n", model.name(), output,
                OnnxExport.OPSET, r.nodes(), layers.isEmpty() ? "" : " (" + layers + ")", Math.max(1, size() / 1024),
                (System.nanoTime() - start) / 1e6);
        err.flush();
        return 0;
    }

    private long size() {
        try {
            return Files.size(output);
        } catch (IOException e) {
            return 0;
        }
    }
}
