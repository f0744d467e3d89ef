package dev.nabla.onnx;

import dev.nabla.compiler.ir.Instr;

/** How one IR op becomes ONNX nodes: an entry of {@link OpExporters#TABLE}. */
@FunctionalInterface
interface OpExporter {

    /** Appends nodes to {@code g} that compute {@code i}'s result into the tensor {@code g.out(i)}. */
    void export(Instr i, OnnxGraph g);

    /**
     * An op ONNX cannot express as Nabla computes it, or one that never reaches an inference graph: exporting it is
     * an error naming the op, the reason and the model line.
     */
    record Unsupported(String why) implements OpExporter {
        @Override
        public void export(Instr i, OnnxGraph g) {
            throw OnnxExportException.at(i.span(), "cannot export " + i.op().mnemonic() + " to ONNX: " + why);
        }
    }
}
