package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;
import dev.nabla.runtime.kernels.Gemm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which values get storage. A value is <em>inlined</em> (computed inside its consumer's loop nest, no
 * buffer) when its op can be written as an expression and its one reader reads it elementwise; a small
 * expression without transcendental functions is also inlined when that reader uses it twice ({@code t + t}).
 * A {@code transpose} feeding a matrix product is <em>folded</em> into the product's trans flag; a
 * {@code matmul -> add(bias) [-> relu]} chain is <em>absorbed</em> into one {@code gemmBiasAct} call.
 * A convolution absorbs its bias add and ReLU the same way, into the runtime kernel's store; a filter gradient
 * absorbs the bias gradient (the sum of the same output gradient over N, H and W) and is computed where that sum
 * stood. Every other value is a kernel root, computed by one kernel in graph order.
 */
final class Fusion {

    /**
     * A matrix product, its operands after folding transposes, and what it absorbed: a bias row and activation
     * (the epilogue), or an addend computed into the result before the product accumulates into it.
     */
    record GemmPlan(Instr matmul, Value a, boolean transA, Value b, boolean transB, Value bias, int act, int k,
                    Value addend) {
    }

    /**
     * A convolution-family op, computed by one runtime call, and what it absorbed: a channel bias and activation
     * (forward), or the bias gradient it also writes (filter gradient).
     */
    record ConvPlan(Instr conv, Value bias, int act, Value biasGrad) {
    }

    final Map<Value, Instr> producer = new HashMap<>();
    final Map<Value, Integer> uses = new HashMap<>();
    final Set<Value> outputs = new HashSet<>();
    final Set<Value> folded = new HashSet<>();
    final Set<Value> absorbed = new HashSet<>();
    final Set<Value> inlined = new HashSet<>();
    final Map<Value, GemmPlan> gemms = new HashMap<>();
    final Map<Value, ConvPlan> convs = new HashMap<>();
    /**
     * Max-pooling gradients that absorbed the ReLU backward mask behind them, by the mask's value: the kernel
     * drops the gradient of a window whose maximum is not positive.
     */
    final Map<Value, Instr> reluMaskedPools = new HashMap<>();
    /** A bias-gradient sum absorbed by a filter gradient: the filter gradient's kernel runs in the sum's place. */
    private final Map<Value, Instr> computedInPlaceOf = new HashMap<>();
    final List<Instr> roots = new ArrayList<>();
    /** Ops in each inlined value's expression tree; past {@link #MAX_EXPR} a value is stored instead. */
    private final Map<Value, Integer> exprSize = new HashMap<>();
    /** Inlined values whose expression holds a costly op (a transcendental function): never duplicated. */
    private final Set<Value> expensive = new HashSet<>();
    /** Ops costing more than this per element ({@link Op#cost()}) are computed once, never in two readers. */
    private static final int MAX_DUPLICATED_COST = 1;
    /** Keeps every kernel method far below the JVM's 64 KB code limit. */
    static final int MAX_EXPR = 64;

    Fusion(Graph g, Map<Op, OpLowering> rules) {
        for (Instr i : g.body()) {
            producer.put(i.out(), i);
            i.args().forEach(a -> uses.merge(a, 1, Integer::sum));
        }
        g.outputs().forEach(o -> outputs.add(o.value()));
        Map<Value, Instr> consumer = new HashMap<>();
        Map<Value, List<Instr>> consumers = new HashMap<>();
        for (Instr i : g.body()) {
            i.args().forEach(a -> consumer.put(a, i));
            i.args().forEach(a -> consumers.computeIfAbsent(a, x -> new ArrayList<>()).add(i));
        }
        Map<Value, Integer> position = new HashMap<>();
        for (int p = 0; p < g.body().size(); p++) {
            position.put(g.body().get(p).out(), p);
        }
        for (Instr i : g.body()) {
            switch (i.op().kernelFamily()) {
                case MATRIX_PRODUCT -> planGemm(i, consumer);
                case CONVOLUTION -> planConv(i, consumer, consumers, position);
                case POOLING -> planPool(i, consumer);
                case LOOPS -> { }
            }
        }
        Set<Value> moved = new HashSet<>(computedInPlaceOf.values().stream().map(Instr::out).toList());
        for (Instr i : g.body()) {
            Value v = i.out();
            if (computedInPlaceOf.containsKey(v)) {
                roots.add(computedInPlaceOf.get(v));
                continue;
            }
            if (folded.contains(v) || absorbed.contains(v) || moved.contains(v)) {
                continue;
            }
            if (gemms.containsKey(v) || convs.containsKey(v) || reluMaskedPools.containsKey(v)) {
                roots.add(i);
                continue;
            }
            List<Instr> readers = consumers.getOrDefault(v, List.of());
            boolean elementwiseReaders = !readers.isEmpty() && readers.stream().allMatch(this::readsElementwise);
            int size = 1 + i.args().stream().mapToInt(a -> exprSize.getOrDefault(a, 0)).sum();
            boolean costly = i.op().cost() > MAX_DUPLICATED_COST || i.args().stream().anyMatch(expensive::contains);
            boolean oneReader = readers.stream().distinct().count() == 1;
            boolean inline = cheap(i) ? elementwiseReaders
                    : oneReader && elementwiseReaders && (readers.size() == 1 || size <= 4 && !costly);
            if (rules.get(i.op()).inlinable() && !outputs.contains(v) && inline && size <= MAX_EXPR) {
                inlined.add(v);
                exprSize.put(v, size);
                if (costly) {
                    expensive.add(v);
                }
            } else {
                roots.add(i);
            }
        }
    }

    /**
     * Values that cost no more than a load to recompute, so every elementwise reader may inline them:
     * constants, and broadcasts or transposes of stored values or of other cheap values.
     */
    private boolean cheap(Instr i) {
        if (i.op() == Op.CONSTANT) {
            return true;
        }
        if (i.op() != Op.BROADCAST && i.op() != Op.TRANSPOSE) {
            return false;
        }
        Value arg = i.args().get(0);
        Instr p = producer.get(arg);
        return !inlined.contains(arg) || p != null && cheap(p);
    }

    /** Whether {@code c} reads its operands through expressions (so an operand may be inlined into it). */
    private boolean readsElementwise(Instr c) {
        if (c == null || folded.contains(c.out()) || absorbed.contains(c.out())) {
            return false;
        }
        return switch (c.op().family()) {
            case UNARY, BINARY, TERNARY, REDUCTION, AXIS -> true;
            case LAYOUT -> c.op() != Op.RESHAPE;
            default -> false;
        };
    }

    private boolean single(Value v) {
        return uses.getOrDefault(v, 0) == 1 && !outputs.contains(v);
    }

    private boolean isTranspose2d(Value v) {
        Instr p = producer.get(v);
        return p != null && p.op() == Op.TRANSPOSE && p.args().get(0).shape().rank() == 2 && single(v);
    }

    /**
     * MATMUL is {@code a @ b}; MATMUL_TN is {@code a^T @ b}, contracting the first axes (maybe the batch): transA.
     * A transposed operand folds into a trans flag. A single-use product then absorbs its consumer: an add of a
     * bias row (and a following ReLU) becomes the Gemm epilogue; any other same-shape add is computed first
     * into the result, which the Gemm then accumulates into.
     */
    private void planGemm(Instr mm, Map<Value, Instr> consumer) {
        Value a = mm.args().get(0);
        Value b = mm.args().get(1);
        boolean tn = mm.op() == Op.MATMUL_TN;
        int k = a.shape().dim(tn ? 0 : 1);
        boolean transA = tn || isTranspose2d(a);
        boolean transB = !tn && isTranspose2d(b) && !a.equals(b);
        if (transA && !tn) {
            folded.add(a);
            a = producer.get(a).args().get(0);
        }
        if (transB) {
            folded.add(b);
            b = producer.get(b).args().get(0);
        }
        Value root = mm.out();
        Instr add = consumer.get(root);
        if (!single(root) || add == null || add.op() != Op.ADD || !add.out().shape().equals(root.shape())
                || add.args().get(0).equals(add.args().get(1))) {
            gemms.put(root, new GemmPlan(mm, a, transA, b, transB, null, Gemm.ACT_NONE, k, null));
            return;
        }
        Value other = add.args().get(0).equals(root) ? add.args().get(1) : add.args().get(0);
        Instr otherProducer = producer.get(other);
        if (otherProducer != null && otherProducer.op().family() == Op.Family.CONTRACTION) {
            gemms.put(root, new GemmPlan(mm, a, transA, b, transB, null, Gemm.ACT_NONE, k, null));
            return;
        }
        absorbed.add(root);
        if (transA || !isBiasRow(other, root)) {
            gemms.put(add.out(), new GemmPlan(mm, a, transA, b, transB, null, Gemm.ACT_NONE, k, other));
            return;
        }
        root = add.out();
        Value relu = absorbRelu(root, consumer);
        gemms.put(relu == null ? root : relu, new GemmPlan(mm, a, false, b, transB, other,
                relu == null ? Gemm.ACT_NONE : Gemm.ACT_RELU, k, null));
    }

    /**
     * A forward convolution used once by an add of a stored channel bias ([O,1,1] or [1,O,1,1]), maybe followed by
     * a ReLU, absorbs them. A filter gradient whose output gradient g is also summed over axes 0, 2 and 3 (the
     * bias gradient) absorbs that sum, when its input is computed before the sum: its kernel then runs in the
     * sum's place, so the sum's readers find it done.
     */
    private void planConv(Instr conv, Map<Value, Instr> consumer, Map<Value, List<Instr>> consumers,
                          Map<Value, Integer> position) {
        Value root = conv.out();
        if (conv.op() == Op.CONV2D_BACKWARD_FILTER) {
            Value x = conv.args().get(0);
            Value g = conv.args().get(1);
            for (Instr sum : consumers.getOrDefault(g, List.of())) {
                boolean biasGrad = sum.op() == Op.SUM && sum.attr().equals(new Attr.Axes(List.of(0, 2, 3), false))
                        && !computedInPlaceOf.containsKey(sum.out())
                        && position.getOrDefault(x, -1) < position.get(sum.out());
                if (biasGrad) {
                    convs.put(root, new ConvPlan(conv, null, Gemm.ACT_NONE, sum.out()));
                    computedInPlaceOf.put(sum.out(), conv);
                    return;
                }
            }
        }
        Instr add = consumer.get(root);
        if (conv.op() != Op.CONV2D || !single(root) || add == null || add.op() != Op.ADD
                || !add.out().shape().equals(root.shape()) || add.args().get(0).equals(add.args().get(1))) {
            convs.put(root, new ConvPlan(conv, null, Gemm.ACT_NONE, null));
            return;
        }
        Value bias = add.args().get(0).equals(root) ? add.args().get(1) : add.args().get(0);
        if (!isChannelBias(bias, root.shape().dim(1))) {
            convs.put(root, new ConvPlan(conv, null, Gemm.ACT_NONE, null));
            return;
        }
        absorbed.add(root);
        root = add.out();
        Value relu = absorbRelu(root, consumer);
        convs.put(relu == null ? root : relu, new ConvPlan(conv, bias, relu == null ? Gemm.ACT_NONE : Gemm.ACT_RELU,
                null));
    }

    /** A parameter (or a reshape of one) holding one value per channel, shaped to broadcast over [N,O,H,W]. */
    private boolean isChannelBias(Value v, int channels) {
        Shape s = v.shape();
        boolean shaped = s.equals(Shape.of(channels, 1, 1)) || s.equals(Shape.of(1, channels, 1, 1));
        Instr p = producer.get(v);
        boolean stored = p == null || p.op() == Op.RESHAPE && !producer.containsKey(p.args().get(0));
        return shaped && stored;
    }

    /**
     * {@code select(greater(x, 0), max_pool2d_backward(x, g), 0)}, the ReLU backward mask applied to the gradient
     * of a max pooling of ReLU outputs x: the pooling gradient is non-zero only at each window's maximum, so the
     * mask is one test per window inside the pooling kernel instead of a pass over the whole input.
     */
    private void planPool(Instr pool, Map<Value, Instr> consumer) {
        Instr select = consumer.get(pool.out());
        if (pool.op() != Op.MAX_POOL2D_BACKWARD || !single(pool.out()) || select == null || select.op() != Op.SELECT
                || !select.args().get(1).equals(pool.out()) || !isZero(select.args().get(2))
                || !select.out().shape().equals(pool.out().shape())) {
            return;
        }
        Instr greater = producer.get(select.args().get(0));
        if (greater != null && greater.op() == Op.GREATER && greater.args().get(0).equals(pool.args().get(0))
                && isZero(greater.args().get(1))) {
            absorbed.add(pool.out());
            reluMaskedPools.put(select.out(), pool);
        }
    }

    private boolean isZero(Value v) {
        return Peephole.isZero(producer.get(v)) && v.shape().isScalar();
    }

    /** The second value the kernel of {@code root} writes (a filter gradient's bias gradient), or null. */
    Value secondOutput(Value root) {
        ConvPlan p = convs.get(root);
        return p == null ? null : p.biasGrad();
    }

    /** The ReLU of {@code v}, absorbed into v's producer when it is v's only reader; else null. */
    private Value absorbRelu(Value v, Map<Value, Instr> consumer) {
        Instr relu = consumer.get(v);
        if (!single(v) || relu == null || relu.op() != Op.RELU) {
            return null;
        }
        absorbed.add(v);
        return relu.out();
    }

    /** A parameter of shape [n] or [1,n] added to an [m,n] product. */
    private boolean isBiasRow(Value v, Value product) {
        Shape s = v.shape();
        boolean row = s.rank() == 1 || s.rank() == 2 && s.dim(0) == 1;
        return row && !producer.containsKey(v) && s.dim(s.rank() - 1) == product.shape().dim(1);
    }

    /** The materialised values the kernel of {@code root} reads. */
    Set<Value> reads(Instr root) {
        Set<Value> out = new LinkedHashSet<>();
        GemmPlan gp = gemms.get(root.out());
        if (gp != null) {
            out.add(gp.a());
            out.add(gp.b());
            if (gp.bias() != null) {
                out.add(gp.bias());
            }
            if (gp.addend() != null) {
                collect(gp.addend(), out);
            }
            return out;
        }
        Instr masked = reluMaskedPools.get(root.out());
        if (masked != null) {
            out.addAll(masked.args());
            return out;
        }
        ConvPlan cp = convs.get(root.out());
        if (cp != null) {
            cp.conv().args().forEach(out::add);
            if (cp.bias() != null) {
                out.add(cp.bias());
            }
            return out;
        }
        root.args().forEach(a -> collect(a, out));
        return out;
    }

    private void collect(Value v, Set<Value> out) {
        if (inlined.contains(v)) {
            producer.get(v).args().forEach(a -> collect(a, out));
        } else {
            out.add(v);
        }
    }
}
