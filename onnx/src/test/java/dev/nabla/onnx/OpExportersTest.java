package dev.nabla.onnx;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;
import dev.nabla.runtime.data.Preprocessing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The op table covers every op: each maps (and is run by {@link OneOpExportTest}) or is an error naming op and line. */
class OpExportersTest {

    @Test
    void everyOpHasAnExporter() {
        List<Op> missing = new ArrayList<>();
        for (Op op : Op.values()) {
            if (!OpExporters.TABLE.containsKey(op)) {
                missing.add(op);
            }
        }
        assertEquals(List.of(), missing, "ops without an entry in OpExporters.TABLE");
    }

    @Test
    void everyMappedOpIsRunAndEveryUnsupportedOneIsNot() {
        for (Op op : Op.values()) {
            boolean unsupported = OpExporters.TABLE.get(op) instanceof OpExporter.Unsupported;
            assertEquals(unsupported, OneOpExportTest.cases(op).isEmpty(),
                    op.mnemonic() + (unsupported ? " is unsupported but has cases" : " maps but has no case in OneOpExportTest"));
        }
    }

    /** Each unsupported op, alone in an inference graph, is an error that names it and its model line. */
    @Test
    void everyUnsupportedOpIsAnErrorNamingOpAndLine() {
        for (Op op : Op.values()) {
            if (!(OpExporters.TABLE.get(op) instanceof OpExporter.Unsupported)) {
                continue;
            }
            // The exporter fails before it looks at shapes, so one operand of any shape will do.
            Value x = new Value("x", TensorType.f32(Shape.of(Shape.BATCH, 2)));
            Value y = new Value("y", x.type());
            Graph g = new Graph("g", List.of(new Graph.Input(x, Graph.InputRole.INPUT, null, OneOpExportTest.S)),
                    List.of(new Instr(y, op, List.of(x), Attr.NONE, OneOpExportTest.S)),
                    List.of(new Graph.Output("y", y, Graph.OutputRole.OUTPUT)));
            OnnxExportException e = assertThrows(OnnxExportException.class, () -> OneOpExportTest.export(g), op.mnemonic());
            assertTrue(e.getMessage().startsWith("one.nabla:3:7: cannot export " + op.mnemonic() + " to ONNX: "), e.getMessage());
        }
    }

    /** A random draw that reaches an output is reported at the model line that draws, with the line shown. */
    @Test
    void randomDrawInInferenceNamesTheModelLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("noisy.nabla");
        Files.writeString(file, """
                model Noisy {
                    input x : f32[B, 4]
                    h = dense(x, 3)
                    output noisy = h + normal(0, 1, [3])
                }
                """);
        OnnxExportException e = assertThrows(OnnxExportException.class, () -> exportFile(file));
        assertTrue(e.getMessage().startsWith(file + ":4:24: cannot export random_normal to ONNX: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("\n    output noisy = h + normal(0, 1, [3])"), e.getMessage());
    }

    /** Dropout draws only in training: its inference graph has no draw, and exports. */
    @Test
    void dropoutExportsAsIdentity(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("drop.nabla");
        Files.writeString(file, """
                model Drop {
                    input x : f32[B, 4]
                    output y = dense(dropout(x, 0.5), 3)
                }
                """);
        OnnxExport.Result r = exportFile(file);
        assertFalse(r.model().getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().startsWith("Random")));
    }

    private static OnnxExport.Result exportFile(Path file) {
        Compilation c = Compiler.compileFile(file);
        assertTrue(c.ok(), c.render());
        ModelIr m = c.models().get(0);
        Map<String, float[]> weights = new java.util.HashMap<>();
        m.train().inputs().stream().filter(in -> in.role() == Graph.InputRole.PARAM || in.role() == Graph.InputRole.STATE)
                .forEach(in -> weights.put(in.value().name(), new float[(int) in.value().shape().numel(1)]));
        return OnnxExport.export(m, new ExportWeights(weights, Preprocessing.NONE));
    }
}
