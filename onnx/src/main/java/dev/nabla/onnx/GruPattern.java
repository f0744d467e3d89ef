package dev.nabla.onnx;

import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.nabla.onnx.Protos.attr;

/**
 * A GRU layer: std.nabla's {@code gru} is unrolled over the sequence at compile time, so the IR holds T steps of
 * slices, matrix products, sigmoids and tanh. A value computed instruction for instruction as {@link GruReference}'s
 * result, for the shapes at hand, is that layer, and becomes one ONNX GRU node (which a runtime computes with its
 * own recurrent kernel instead of T * 25 small nodes).
 *
 * <p>The two conventions meet as follows. Nabla's equations are PyTorch's nn.GRU, which is ONNX's GRU with
 * {@code linear_before_reset = 1} (the reset gate multiplies h W_hn^T + b_hn). Nabla's gate rows are PyTorch's
 * r, z, n; ONNX's are z, r, h, so the weight rows are reordered when written. ONNX's default layout is
 * [T, B, F] in and [T, directions, B, H] out, and ONNX Runtime implements no other, so the sequence is transposed
 * in and the result squeezed and transposed out. The initial state is ONNX's default, zeros, as in Nabla.
 */
final class GruPattern implements LayerPattern {

    @Override
    public Match match(Instr root, GraphIndex ix) {
        Shape s = root.out().shape();
        if (!s.batched() || (s.rank() != 2 && s.rank() != 3)) {
            return null;
        }
        boolean sequences = s.rank() == 3;
        int units = s.dim(s.rank() - 1);
        for (Shape in : sequenceShapes(ix.graph())) {
            int steps = in.dim(1);
            int features = in.dim(2);
            if ((sequences && steps != s.dim(1)) || !hasWeights(ix.graph(), units, features)) {
                continue;
            }
            GruReference ref = GruReference.of(steps, features, units, sequences);
            SubgraphMatcher m = new SubgraphMatcher(ref.index(), ix);
            if (ref.index().def(ref.result()).op() == root.op() && m.matches(ref.result(), root.out())
                    && ix.internal(m.covered(), root)) {
                return match(root, ref, m);
            }
        }
        return null;
    }

    private static Match match(Instr root, GruReference ref, SubgraphMatcher m) {
        Value x = m.bound(ref.x());
        Value weightIh = m.bound(ref.weightIh());
        Value weightHh = m.bound(ref.weightHh());
        Value biasIh = m.bound(ref.biasIh());
        Value biasHh = m.bound(ref.biasHh());
        int h = ref.units();
        int f = ref.features();
        return new Match("GRU", root, m.covered(), g -> {
            String out = g.out(root);
            String w = g.floats(weightIh.name() + ".zrh", new long[] {1, 3L * h, f}, zrh(values(g, weightIh, 3 * h * f), h, f));
            // A single step never reads weight_hh (h starts at 0): then any R will do, and zeros say so.
            String r = g.floats((weightHh != null ? weightHh : weightIh).name().replace("weight_ih", "weight_hh") + ".zrh",
                    new long[] {1, 3L * h, h}, zrh(values(g, weightHh, 3 * h * h), h, h));
            float[] bias = new float[6 * h];
            System.arraycopy(zrh(values(g, biasIh, 3 * h), h, 1), 0, bias, 0, 3 * h);
            System.arraycopy(zrh(values(g, biasHh, 3 * h), h, 1), 0, bias, 3 * h, 3 * h);
            String b = g.floats(weightIh.name().replace("weight_ih", "bias") + ".zrh", new long[] {1, 6L * h}, bias);
            String timeMajor = g.temp(out + ".time_major", "Transpose", List.of(g.tensor(x)), attr("perm", 1L, 0L, 2L));
            String state = g.fresh(out + (ref.sequences() ? ".states" : ".last"));
            g.node("GRU", List.of(timeMajor, w, r, b), ref.sequences() ? List.of(state, "") : List.of("", state),
                    attr("hidden_size", (long) h), attr("linear_before_reset", 1L));
            if (ref.sequences()) {
                // [T, 1, B, H] -> [T, B, H] -> [B, T, H]
                String squeezed = g.temp(out + ".squeezed", "Squeeze", List.of(state, g.int64s(out + ".axes", 1)));
                g.node("Transpose", List.of(squeezed), out, attr("perm", 1L, 0L, 2L));
            } else {
                // [1, B, H] -> [B, H]
                g.node("Squeeze", List.of(state, g.int64s(out + ".axes", 0)), out);
            }
        });
    }

    /** The values of a weight the match bound, or zeros for one the reference does not read. */
    private static float[] values(OnnxGraph g, Value weight, int size) {
        return weight == null ? new float[size] : g.weight(weight);
    }

    /** The distinct [B, T, F] shapes of the graph's values: where a GRU's input may be. */
    private static Set<Shape> sequenceShapes(Graph g) {
        Set<Shape> shapes = new LinkedHashSet<>();
        g.inputs().forEach(in -> addIfSequence(in.value(), shapes));
        g.body().forEach(i -> addIfSequence(i.out(), shapes));
        return shapes;
    }

    private static void addIfSequence(Value v, Set<Shape> shapes) {
        if (v.shape().rank() == 3 && v.shape().batched()) {
            shapes.add(v.shape());
        }
    }

    /** Cheap test before building a reference: weights of the shapes [3H, F] and [3H, H] are there. */
    private static boolean hasWeights(Graph g, int units, int features) {
        List<Shape> weights = g.inputs().stream().filter(in -> in.role() == Graph.InputRole.PARAM
                || in.role() == Graph.InputRole.STATE).map(in -> in.value().shape()).toList();
        return weights.contains(Shape.of(3 * units, features)) && weights.contains(Shape.of(3 * units, units));
    }

    /** PyTorch's gate blocks r, z, n (rows of {@code width} values) in ONNX's order z, r, h. */
    static float[] zrh(float[] rzn, int units, int width) {
        float[] out = new float[rzn.length];
        int block = units * width;
        System.arraycopy(rzn, block, out, 0, block);
        System.arraycopy(rzn, 0, out, block, block);
        System.arraycopy(rzn, 2 * block, out, 2 * block, block);
        return out;
    }
}
