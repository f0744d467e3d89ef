package dev.nabla.onnx;

import dev.nabla.compiler.ir.Instr;

import java.util.Set;
import java.util.function.Consumer;

/**
 * Recognizes a layer that ONNX has as one operator (BatchNormalization, GRU) in the primitive instructions the
 * front end inlines it to, so that runtimes see the layer and run their own kernel for it.
 */
interface LayerPattern {

    /**
     * The layer whose result is {@code root}'s, or null. A match covers only instructions whose values nothing
     * outside it reads ({@link GraphIndex#internal}).
     */
    Match match(Instr root, GraphIndex index);

    /**
     * @param operator the ONNX operator written
     * @param covered  the instructions it replaces, {@code root} included
     * @param emit     writes the nodes computing {@code root}'s value into {@code g.out(root)}
     */
    record Match(String operator, Instr root, Set<Instr> covered, Consumer<OnnxGraph> emit) {
    }
}
