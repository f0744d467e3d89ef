package dev.nabla.compiler.passes;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Convolutions take in what the runtime kernel does in the same call:
 * <ul>
 *   <li>{@code biasEpilogue}: a conv2d read only by an add of a stored channel bias ([O,1,1] or [1,O,1,1], an input or
 *       a reshape of one), and then maybe only by a ReLU, is one {@code conv2d_bias} or {@code conv2d_bias_relu},
 *       standing where the add or ReLU stood;</li>
 *   <li>{@code biasGradient}: a bias gradient, {@code sum(g) {axes=[0,2,3]}} of the output gradient g that a filter
 *       gradient {@code conv2d_backward_filter(x, g)} also reads, becomes {@code conv2d_backward_bias(g, dw)}, which
 *       the filter gradient's kernel writes as it passes over g. The two stand together where the earlier of them
 *       stood (the filter gradient cannot move above its input x: then they are left apart).</li>
 * </ul>
 */
final class FuseConv {

    private static final Attr.Axes BIAS_AXES = new Attr.Axes(List.of(0, 2, 3), false);

    private FuseConv() {
    }

    static Graph apply(Graph g) {
        Uses uses = new Uses(g);
        Set<Instr> dropped = new HashSet<>();
        Map<Instr, List<Instr>> replaced = new HashMap<>();
        for (Instr conv : g.body()) {
            if (conv.op() == Op.CONV2D) {
                biasEpilogue(uses, conv, dropped, replaced);
            } else if (conv.op() == Op.CONV2D_BACKWARD_FILTER) {
                biasGradient(uses, conv, dropped, replaced);
            }
        }
        return Uses.rebuild(g, dropped, replaced);
    }

    private static void biasEpilogue(Uses uses, Instr conv, Set<Instr> dropped, Map<Instr, List<Instr>> replaced) {
        Instr add = uses.onlyReader(conv.out());
        if (add == null || add.op() != Op.ADD || !add.out().shape().equals(conv.out().shape())
                || add.args().get(0).equals(add.args().get(1))) {
            return;
        }
        Value bias = Uses.other(add, conv.out());
        if (!channelBias(uses, bias, conv.out().shape().dim(1))) {
            return;
        }
        Instr relu = uses.onlyReader(add.out());
        boolean withRelu = relu != null && relu.op() == Op.RELU;
        Instr last = withRelu ? relu : add;
        dropped.add(conv);
        if (withRelu) {
            dropped.add(add);
        }
        List<Value> args = List.of(conv.args().get(0), conv.args().get(1), bias);
        replaced.put(last, List.of(new Instr(last.out(), withRelu ? Op.CONV2D_BIAS_RELU : Op.CONV2D_BIAS, args,
                conv.attr(), last.span())));
    }

    /** A stored value holding one number per channel, shaped to broadcast over [N,O,H,W]. */
    private static boolean channelBias(Uses uses, Value v, int channels) {
        Shape s = v.shape();
        boolean shaped = s.equals(Shape.of(channels, 1, 1)) || s.equals(Shape.of(1, channels, 1, 1));
        Instr p = uses.producer(v);
        boolean stored = p == null || p.op() == Op.RESHAPE && uses.producer(p.args().get(0)) == null;
        return shaped && stored;
    }

    private static void biasGradient(Uses uses, Instr filter, Set<Instr> dropped, Map<Instr, List<Instr>> replaced) {
        Value x = filter.args().get(0);
        Value grad = filter.args().get(1);
        for (Uses.Read r : uses.reads(grad)) {
            Instr sum = r.reader();
            if (sum.op() != Op.SUM || !sum.attr().equals(BIAS_AXES) || replaced.containsKey(sum)
                    || dropped.contains(sum)) {
                continue;
            }
            Instr bias = new Instr(sum.out(), Op.CONV2D_BACKWARD_BIAS, List.of(grad, filter.out()), Attr.NONE, sum.span());
            int at = uses.position(sum.out());
            if (at > uses.position(filter.out())) {
                replaced.put(filter, List.of(filter, bias));
                dropped.add(sum);
            } else if (uses.position(x) < at) {
                replaced.put(sum, List.of(filter, bias));
                dropped.add(filter);
            } else {
                continue;
            }
            return;
        }
    }
}
