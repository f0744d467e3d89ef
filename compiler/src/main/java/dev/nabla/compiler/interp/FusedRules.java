package dev.nabla.compiler.interp;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Op;

import java.util.List;
import java.util.Map;

/**
 * The interpreter's rules of the fused ops: each computes, by the rules of the ops it stands for, what those ops
 * compute one after the other, so the interpreter checks the fusion passes (a graph means the same before and after).
 */
final class FusedRules {

    private static final Attr.Axes BIAS_AXES = new Attr.Axes(List.of(0, 2, 3), false);

    private FusedRules() {
    }

    static void register(Map<Op, EvalRules.Rule> rules) {
        rules.put(Op.GEMM, (a, attr, out) -> product(a, (Attr.Trans) attr, out));
        rules.put(Op.GEMM_BIAS, (a, attr, out) -> plus(product(a, (Attr.Trans) attr, out), a.get(2), out));
        rules.put(Op.GEMM_BIAS_RELU, (a, attr, out) -> relu(plus(product(a, (Attr.Trans) attr, out), a.get(2), out), out));
        rules.put(Op.GEMM_ACC, (a, attr, out) -> plus(product(a, (Attr.Trans) attr, out), a.get(2), out));
        rules.put(Op.CONV2D_BIAS, (a, attr, out) ->
                plus(Windows.conv2d(a.get(0), a.get(1), (Attr.Window) attr, out), a.get(2), out));
        rules.put(Op.CONV2D_BIAS_RELU, (a, attr, out) ->
                relu(plus(Windows.conv2d(a.get(0), a.get(1), (Attr.Window) attr, out), a.get(2), out), out));
        rules.put(Op.CONV2D_BACKWARD_BIAS, (a, attr, out) -> Reductions.sum(a.get(0), BIAS_AXES, out));
        rules.put(Op.MAX_POOL2D_BACKWARD_RELU, (a, attr, out) -> reluMasked(a.get(0),
                Windows.maxPoolBackward(a.get(0), a.get(1), (Attr.Window) attr, out), out));
    }

    /** op(a) @ op(b), a transposed operand transposed first. */
    private static Tensor product(List<Tensor> a, Attr.Trans t, int[] out) {
        Tensor x = t.a() ? swapped(a.get(0)) : a.get(0);
        Tensor w = t.b() ? swapped(a.get(1)) : a.get(1);
        return Contractions.matmul(x, w, out);
    }

    private static Tensor swapped(Tensor m) {
        return Contractions.transpose(m, List.of(1, 0), new int[] {m.dim(1), m.dim(0)});
    }

    private static Tensor plus(Tensor x, Tensor y, int[] out) {
        return EvalRules.RULES.get(Op.ADD).apply(List.of(x, y), Attr.NONE, out);
    }

    private static Tensor relu(Tensor x, int[] out) {
        return EvalRules.RULES.get(Op.RELU).apply(List.of(x), Attr.NONE, out);
    }

    /** select(x &gt; 0, grad, 0). */
    private static Tensor reluMasked(Tensor x, Tensor grad, int[] out) {
        double[] xs = x.raw();
        double[] g = grad.raw();
        double[] r = new double[g.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = xs[i] > 0 ? g[i] : 0.0;
        }
        return Tensor.wrap(out, r);
    }
}
