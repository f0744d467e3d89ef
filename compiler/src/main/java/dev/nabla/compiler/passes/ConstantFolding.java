package dev.nabla.compiler.passes;

import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Value;

import java.util.List;

/**
 * Elementwise ops of constants become constants, computed by the interpreter's own rule for the op ({@code 1 - 0.9}
 * in batch norm's update, {@code 1 - rate} in dropout); so do broadcasts and reshapes of a constant, which stays the
 * same number in any shape. A constant is one number broadcast over its shape, so nothing that depends on the run-time
 * batch size (a count over the batch axis) is folded.
 */
final class ConstantFolding {

    private ConstantFolding() {
    }

    static Graph apply(Graph g) {
        return Rewriter.apply(g, ConstantFolding::fold);
    }

    private static Value fold(Rewriter r, Instr i) {
        if (i.op() == Op.CONSTANT) {
            return null;
        }
        double[] operands = new double[i.args().size()];
        for (int k = 0; k < operands.length; k++) {
            Double c = r.constant(i.args().get(k));
            if (c == null) {
                return null;
            }
            operands[k] = c;
        }
        if (i.op().elementwise()) {
            return r.recompute(i, Op.CONSTANT, new Attr.Const(Interpreter.elementwise(i.op(), operands)), List.of());
        }
        if (i.op() == Op.BROADCAST || i.op() == Op.RESHAPE) {
            return r.recompute(i, Op.CONSTANT, new Attr.Const(operands[0]), List.of());
        }
        return null;
    }
}
