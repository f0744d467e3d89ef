package dev.nabla.onnx;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.nabla.onnx.Protos.attr;

/**
 * Batch normalization with running statistics, as {@code batch_norm} of std.nabla elaborates it for inference:
 * <pre>
 *   y = (x - per_channel(mean)) / sqrt(per_channel(var) + eps) [* per_channel(W) + per_channel(b)]
 * </pre>
 * with x of shape [N, C] or [N, C, H, W], the four vectors of shape [C], and per_channel a reshape to [C] or
 * [C, 1, 1] (the vectors of a [N, C] input may be used as they are). That is ONNX's BatchNormalization in
 * inference mode, whatever produced the instructions: the pattern is the arithmetic, not the layer's name. Without
 * W and b (affine = false) the scale and shift are ones and zeros. Sums and products are matched in either order.
 */
final class BatchNormPattern implements LayerPattern {

    @Override
    public Match match(Instr root, GraphIndex ix) {
        Set<Instr> layer = new LinkedHashSet<>();
        layer.add(root);
        Value[] scaleShift = new Value[2];
        Instr div = root.op() == Op.DIV ? root : affine(root, ix, layer, scaleShift);
        if (div == null || div.op() != Op.DIV) {
            return null;
        }
        layer.add(div);
        Instr centered = ix.def(div.args().get(0), Op.SUB);
        Instr sqrt = ix.def(div.args().get(1), Op.SQRT);
        if (centered == null || sqrt == null) {
            return null;
        }
        layer.add(centered);
        layer.add(sqrt);
        Value x = centered.args().get(0);
        Shape s = x.shape();
        if ((s.rank() != 2 && s.rank() != 4) || s.dim(1) == Shape.BATCH || !root.out().type().equals(x.type())) {
            return null;
        }
        int c = s.dim(1);
        Value mean = perChannel(centered.args().get(1), s, ix, layer);
        Instr plusEps = ix.def(sqrt.args().get(0), Op.ADD);
        if (mean == null || plusEps == null) {
            return null;
        }
        layer.add(plusEps);
        Value var = null;
        Instr eps = null;
        for (int k = 0; k < 2 && var == null; k++) {
            eps = ix.def(plusEps.args().get(1 - k), Op.CONSTANT);
            var = eps != null && eps.out().shape().isScalar() ? perChannel(plusEps.args().get(k), s, ix, layer) : null;
        }
        if (var == null) {
            return null;
        }
        layer.add(eps);
        if (!ix.internal(layer, root)) {
            return null;
        }
        float epsilon = (float) ((Attr.Const) eps.attr()).value();
        Value scale = scaleShift[0];
        Value shift = scaleShift[1];
        Value input = x;
        Value runningMean = mean;
        Value runningVar = var;
        return new Match("BatchNormalization", root, layer, g -> {
            String name = g.out(root);
            String w = scale != null ? g.tensor(scale) : g.floats(name + ".scale", new long[] {c}, filled(c, 1f));
            String b = shift != null ? g.tensor(shift) : g.floats(name + ".bias", new long[] {c}, filled(c, 0f));
            g.node("BatchNormalization", List.of(g.tensor(input), w, b, g.tensor(runningMean), g.tensor(runningVar)),
                    name, attr("epsilon", epsilon));
        });
    }

    /** For {@code root = normalized * W' + b'}: the division computing normalized, with W and b in {@code scaleShift}. */
    private static Instr affine(Instr root, GraphIndex ix, Set<Instr> layer, Value[] scaleShift) {
        if (root.op() != Op.ADD) {
            return null;
        }
        for (int k = 0; k < 2; k++) {
            Instr mul = ix.def(root.args().get(k), Op.MUL);
            if (mul == null) {
                continue;
            }
            Shape s = mul.out().shape();
            for (int m = 0; m < 2; m++) {
                Instr div = ix.def(mul.args().get(m), Op.DIV);
                if (div == null) {
                    continue;
                }
                Set<Instr> tried = new LinkedHashSet<>();
                Value w = perChannel(mul.args().get(1 - m), s, ix, tried);
                Value b = w == null ? null : perChannel(root.args().get(1 - k), s, ix, tried);
                if (b != null) {
                    layer.add(mul);
                    layer.addAll(tried);
                    scaleShift[0] = w;
                    scaleShift[1] = b;
                    return div;
                }
            }
        }
        return null;
    }

    /**
     * The [C] vector {@code v} broadcasts per channel of an {@code x}-shaped tensor: a reshape of it to [C] or
     * [C, 1, 1] (added to {@code layer}), or for [N, C] the vector itself; null otherwise.
     */
    private static Value perChannel(Value v, Shape x, GraphIndex ix, Set<Instr> layer) {
        if (x.rank() != 2 && x.rank() != 4) {
            return null;
        }
        int c = x.dim(1);
        Shape vector = Shape.of(c);
        Shape broadcastable = x.rank() == 2 ? vector : Shape.of(c, 1, 1);
        Instr reshape = ix.def(v, Op.RESHAPE);
        if (reshape != null && v.shape().equals(broadcastable) && reshape.args().get(0).shape().equals(vector)) {
            layer.add(reshape);
            return reshape.args().get(0);
        }
        return v.shape().equals(vector) && x.rank() == 2 ? v : null;
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }
}
