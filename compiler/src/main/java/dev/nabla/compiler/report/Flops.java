package dev.nabla.compiler.report;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;

/**
 * Floating-point operations of an instruction for one example (the batch dimension taken as 1), counted as
 * frameworks count them: a multiply-add is 2, an elementwise op or a comparison 1 per result element, a reduction 1
 * per operand element, a softmax 5 per element (max, subtract, exp, sum, divide), a window op 1 per window element
 * read. Layout ops, constants and random draws compute nothing. Work on parameters alone (a transpose of W)
 * happens once per step and is counted per example too, a small overcount.
 */
public final class Flops {

    private Flops() {
    }

    public static long of(Instr i) {
        long out = i.out().shape().numel(1);
        return switch (i.op().family()) {
            case UNARY, BINARY, TERNARY -> out;
            case REDUCTION -> i.args().get(0).shape().numel(1);
            case AXIS -> i.op() == Op.ONE_HOT ? 0 : 5 * out;
            case LAYOUT, SOURCE -> 0;
            case CONTRACTION -> contraction(i);
            case WINDOW -> {
                Attr.Window w = (Attr.Window) i.attr();
                Shape big = i.op() == Op.MAX_POOL2D || i.op() == Op.AVG_POOL2D || i.op() == Op.MAX_POOL2D_GATHER
                        ? i.out().shape() : i.args().get(i.args().size() - 1).shape();
                // the fused ReLU mask is a comparison and a select per element, as unfused
                long mask = i.op() == Op.MAX_POOL2D_BACKWARD_RELU ? 2 * out : 0;
                yield big.numel(1) * w.kh() * w.kw() + mask;
            }
        };
    }

    private static long contraction(Instr i) {
        Shape a = i.args().get(0).shape();
        Shape b = i.args().get(1).shape();
        return switch (i.op()) {
            case MATMUL -> 2 * i.out().shape().numel(1) * a.dim(1);
            case MATMUL_TN -> 2 * i.out().shape().numel(1) * (a.dim(0) == Shape.BATCH ? 1 : a.dim(0));
            case CONV2D -> {
                // every output element sums C * kh * kw products
                yield 2 * i.out().shape().numel(1) * b.numel(1) / b.dim(0);
            }
            case CONV2D_BACKWARD_INPUT -> 2 * a.numel(1) * b.numel(1) / b.dim(0);
            case CONV2D_BACKWARD_FILTER -> 2 * b.numel(1) * i.out().shape().numel(1) / i.out().shape().dim(0);
            // a fused op counts what the ops it stands for count: the product, then 1 per element for a bias or
            // addend add and 1 for a ReLU
            case GEMM, GEMM_BIAS, GEMM_BIAS_RELU, GEMM_ACC -> {
                int k = ((Attr.Trans) i.attr()).a() ? a.dim(0) : a.dim(1);
                yield 2 * i.out().shape().numel(1) * (k == Shape.BATCH ? 1 : k) + epilogue(i);
            }
            case CONV2D_BIAS, CONV2D_BIAS_RELU -> 2 * i.out().shape().numel(1) * b.numel(1) / b.dim(0) + epilogue(i);
            case CONV2D_BACKWARD_BIAS -> a.numel(1);
            default -> throw new IllegalStateException("no FLOP count for contraction " + i.op());
        };
    }

    private static long epilogue(Instr i) {
        long out = i.out().shape().numel(1);
        return switch (i.op()) {
            case GEMM_BIAS, GEMM_ACC, CONV2D_BIAS -> out;
            case GEMM_BIAS_RELU, CONV2D_BIAS_RELU -> 2 * out;
            default -> 0;
        };
    }

    /** The whole graph's operations for one example. */
    public static long of(Graph g) {
        return g.body().stream().mapToLong(Flops::of).sum();
    }
}
