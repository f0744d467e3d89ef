package dev.nabla.compiler.shape;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.DType;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.TensorType;

import java.util.List;

/**
 * The shape rules of the fused ops, each that of the ops it stands for: a fused op type-checks exactly when its
 * unfused form does, and has its result type.
 */
final class FusedShapeRules {

    private FusedShapeRules() {
    }

    static void register(java.util.Map<Op, ShapeRules.Rule> rules) {
        rules.put(Op.GEMM, (a, attr) -> gemm(Op.GEMM, a, attr));
        rules.put(Op.GEMM_BIAS, (a, attr) -> withBias(Op.GEMM_BIAS, a, attr));
        rules.put(Op.GEMM_BIAS_RELU, (a, attr) -> withBias(Op.GEMM_BIAS_RELU, a, attr));
        rules.put(Op.GEMM_ACC, (a, attr) -> withOperand(Op.GEMM_ACC, gemm(Op.GEMM_ACC, a, attr), a.get(2), "addend"));
        rules.put(Op.CONV2D_BIAS, (a, attr) -> convBias(Op.CONV2D_BIAS, a, attr));
        rules.put(Op.CONV2D_BIAS_RELU, (a, attr) -> convBias(Op.CONV2D_BIAS_RELU, a, attr));
        rules.put(Op.CONV2D_BACKWARD_BIAS, FusedShapeRules::backwardBias);
        rules.put(Op.MAX_POOL2D_BACKWARD_RELU, (a, attr) ->
                ShapeRules.infer(Op.MAX_POOL2D_BACKWARD, a.subList(0, 2), attr));
    }

    /** matmul or matmul_tn of the operands, a transposed one swapped first. */
    private static TensorType gemm(Op op, List<TensorType> a, Attr attr) {
        if (!(attr instanceof Attr.Trans t)) {
            throw new ShapeException(op.mnemonic() + " needs a trans=.. attribute, got '" + attr + "'");
        }
        if (t.a() && !t.b()) {
            return ShapeRules.infer(Op.MATMUL_TN, a.subList(0, 2), Attr.NONE);
        }
        return ShapeRules.infer(Op.MATMUL, List.of(t.a() ? swapped(op, a.get(0)) : a.get(0),
                t.b() ? swapped(op, a.get(1)) : a.get(1)), Attr.NONE);
    }

    private static TensorType swapped(Op op, TensorType m) {
        if (m.shape().rank() != 2 || m.dtype() != DType.F32) {
            throw new ShapeException(op.mnemonic() + " transposes f32 matrices, got " + m);
        }
        return TensorType.f32(Shape.of(m.shape().dim(1), m.shape().dim(0)));
    }

    /**
     * A product with a bias row; the GEMM kernel's epilogue ({@code Gemm.gemmBiasAct}) reads a as stored, so a
     * transposed a is no gemm_bias (fuse-matmul makes it a gemm_acc).
     */
    private static TensorType withBias(Op op, List<TensorType> a, Attr attr) {
        TensorType result = gemm(op, a, attr);
        if (((Attr.Trans) attr).a()) {
            throw new ShapeException(op.mnemonic() + " reads a as stored (trans=n.), got " + attr);
        }
        Shape bias = a.get(2).shape();
        if (!bias.equals(Shape.of(result.shape().dim(1))) && !bias.equals(Shape.of(1, result.shape().dim(1)))) {
            throw new ShapeException(op.mnemonic() + ": the bias is a row [" + result.shape().dim(1) + "] or [1,"
                    + result.shape().dim(1) + "], got " + a.get(2));
        }
        return withOperand(op, result, a.get(2), "bias");
    }

    /** The result, when {@code operand} broadcasts to it without changing it (a bias row, an addend). */
    private static TensorType withOperand(Op op, TensorType result, TensorType operand, String what) {
        if (!ShapeRules.infer(Op.ADD, List.of(result, operand), Attr.NONE).equals(result)) {
            throw new ShapeException(op.mnemonic() + ": " + what + " " + operand + " does not broadcast to " + result);
        }
        return result;
    }

    private static TensorType convBias(Op op, List<TensorType> a, Attr attr) {
        TensorType y = ShapeRules.infer(Op.CONV2D, a.subList(0, 2), attr);
        int channels = y.shape().dim(1);
        Shape b = a.get(2).shape();
        if (a.get(2).dtype() != DType.F32 || !b.equals(Shape.of(channels, 1, 1)) && !b.equals(Shape.of(1, channels, 1, 1))) {
            throw new ShapeException(op.mnemonic() + ": the bias is one value per channel, [" + channels + ",1,1] or [1,"
                    + channels + ",1,1], got " + a.get(2));
        }
        return y;
    }

    /** The sum of g [N,O,H,W] over N, H and W: [O]; dw [O,C,kh,kw] is the filter gradient whose kernel writes it. */
    private static TensorType backwardBias(List<TensorType> a, Attr attr) {
        Shape g = a.get(0).shape();
        Shape dw = a.get(1).shape();
        if (g.rank() != 4 || dw.rank() != 4 || dw.batched() || dw.dim(0) != g.dim(1)) {
            throw new ShapeException("conv2d_backward_bias needs a gradient [N,O,H,W] and a filter gradient [O,C,kh,kw],"
                    + " got " + g + " and " + dw);
        }
        return TensorType.f32(Shape.of(g.dim(1)));
    }
}
