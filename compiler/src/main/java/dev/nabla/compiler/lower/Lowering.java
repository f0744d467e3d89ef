package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.Value;
import dev.nabla.runtime.kernels.Gemm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Lowers one graph to a {@link Program}, one kernel per stored value, in graph order: the fusion passes
 * ({@code passes/Fuse*}) decided the grouping, and lowering only follows it. A value marked inline gets no storage and
 * is computed inside each reader's loop; a fused op (gemm_bias_relu, conv2d_bias, ...) is one runtime call; a
 * conv2d_backward_bias is written by the kernel of the filter gradient right before it. Storage: interface buffers
 * for inputs and outputs, TEMPs from the {@link MemoryPlan} for the rest, a reshape aliasing its operand. The kernels
 * only the loss reads come last ({@link #lossLast}); then {@link MergeSiblingLoops} lets a whole-buffer reduction join
 * an earlier kernel's first loop over the same buffer.
 */
public final class Lowering {

    private final Map<Value, Instr> producer = new HashMap<>();
    private final Set<Value> outputs = new HashSet<>();
    /** Kernel roots: the instructions whose values are stored, in graph order. */
    private final List<Instr> roots = new ArrayList<>();
    /** The bias gradient each filter gradient's kernel also writes, by the filter gradient's value. */
    private final Map<Value, Value> biasGradient = new HashMap<>();
    private final Map<Value, Buf> storage = new HashMap<>();

    private Lowering(Graph g) {
        g.outputs().forEach(o -> outputs.add(o.value()));
        for (Instr i : g.body()) {
            producer.put(i.out(), i);
            if (i.op() == Op.CONV2D_BACKWARD_BIAS) {
                biasGradient.put(i.args().get(1), i.out());
            } else if (!i.inline()) {
                roots.add(i);
            }
        }
    }

    /** Every op's lowering rule (exposed for the coverage test). */
    public static Map<Op, ?> rules() {
        return OpRules.RULES;
    }

    /** The ops whose lowering is an expression of operand elements, so that a reader's loop can compute them. */
    public static Set<Op> expressionOps() {
        Set<Op> out = java.util.EnumSet.noneOf(Op.class);
        OpRules.RULES.forEach((op, rule) -> {
            if (rule.inlinable()) {
                out.add(op);
            }
        });
        return out;
    }

    /**
     * @param entry       entry-point name
     * @param g           the graph
     * @param bufferIndex index of each interface buffer by name (inputs by value name, outputs as SpecLayout names them)
     * @param outputBuffer the interface buffer name an output is written to
     * @param plan        TEMP allocator shared by the model's entry points
     */
    public static Program lower(String entry, Graph g, Map<String, Integer> bufferIndex,
                                Function<Graph.Output, String> outputBuffer, MemoryPlan plan) {
        return new Lowering(g).run(entry, g, bufferIndex, outputBuffer, plan);
    }

    private Program run(String entry, Graph g, Map<String, Integer> bufferIndex,
                        Function<Graph.Output, String> outputBuffer, MemoryPlan plan) {
        plan.beginEntry();
        for (Graph.Input in : g.inputs()) {
            Integer idx = bufferIndex.get(in.value().name());
            if (idx != null) {
                storage.put(in.value(), new Buf(idx, in.value().name()));
            }
        }
        Map<Value, Buf> dest = new HashMap<>();
        List<Graph.Output> copies = new ArrayList<>();
        for (Graph.Output o : g.outputs()) {
            Value v = o.value();
            if (o.role() != Graph.OutputRole.STATE_UPDATE && producer.containsKey(v) && !dest.containsKey(v)) {
                dest.put(v, new Buf(bufferIndex.get(outputBuffer.apply(o)), outputBuffer.apply(o)));
            } else {
                copies.add(o);
            }
        }
        List<Instr> live = lossLast(liveRoots(), g);
        Map<Value, Integer> lastRead = lastReads(live, copies);
        List<Kernel> kernels = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int u = 0; u < live.size(); u++) {
            Instr root = live.get(u);
            Value v = root.out();
            if (!dest.containsKey(v) && root.op() == Op.RESHAPE) {
                storage.put(v, storage.get(root.args().get(0)));
                continue;
            }
            Buf out = dest.containsKey(v) ? dest.get(v) : plan.allocate(v);
            storage.put(v, out);
            Value second = biasGradient.get(v);
            if (second != null) {
                storage.put(second, dest.containsKey(second) ? dest.get(second) : plan.allocate(second));
            }
            kernels.add(new Kernel(kernelName(v, names), root.span(), describe(root), materialize(root, out)));
            for (Value r : reads(root)) {
                if (lastRead.get(owner(r)) == u) {
                    plan.release(storage.get(owner(r)));
                }
            }
            if (!lastRead.containsKey(owner(v))) {
                plan.release(out);
            }
            if (second != null && !lastRead.containsKey(owner(second))) {
                plan.release(storage.get(second));
            }
        }
        for (Graph.Output o : copies) {
            Buf to = new Buf(bufferIndex.get(outputBuffer.apply(o)), outputBuffer.apply(o));
            Instr p = producer.get(o.value());
            kernels.add(new Kernel(kernelName(o.value(), names), p == null ? Span.NONE : p.span(),
                    "copy %" + o.value().name() + " to " + to, copy(o.value(), to)));
        }
        Program program = new Program(entry, kernels);
        return MergeSiblingLoops.enabled() ? MergeSiblingLoops.apply(program) : program;
    }

    /**
     * The index of the last kernel reading each stored value (by owner: a reshape's reads keep its operand
     * alive); values that outputs copy at the end are never released.
     */
    private Map<Value, Integer> lastReads(List<Instr> live, List<Graph.Output> copies) {
        Map<Value, Integer> lastRead = new HashMap<>();
        for (int u = 0; u < live.size(); u++) {
            for (Value r : reads(live.get(u))) {
                lastRead.put(owner(r), u);
            }
        }
        copies.forEach(o -> lastRead.put(owner(o.value()), Integer.MAX_VALUE));
        return lastRead;
    }

    /** Kernel roots whose results are read or returned (dead roots are skipped). */
    private List<Instr> liveRoots() {
        Set<Value> needed = new HashSet<>(outputs);
        boolean[] keep = new boolean[roots.size()];
        for (int u = roots.size() - 1; u >= 0; u--) {
            Instr r = roots.get(u);
            Value second = biasGradient.get(r.out());
            if (needed.contains(r.out()) || second != null && needed.contains(second)) {
                keep[u] = true;
                needed.addAll(reads(r));
            }
        }
        List<Instr> out = new ArrayList<>();
        for (int u = 0; u < roots.size(); u++) {
            if (keep[u]) {
                out.add(roots.get(u));
            }
        }
        return out;
    }

    /**
     * {@code live} with the kernels that only the loss reads moved to the end, in their order: the loss's sums
     * (cross-entropy's mean, the L2 sums of the weights) are needed by no gradient, so they can wait until the
     * gradients are done. There an L2 sum finds its weight gradient's kernel, which has just swept the same weights,
     * and joins its loop ({@link MergeSiblingLoops}).
     */
    private List<Instr> lossLast(List<Instr> live, Graph g) {
        Set<Value> loss = new HashSet<>();
        g.outputs(Graph.OutputRole.LOSS).forEach(o -> loss.add(o.value()));
        Set<Value> otherOutputs = new HashSet<>(outputs);
        otherOutputs.removeAll(loss);
        Map<Value, List<Instr>> readers = new HashMap<>();
        for (Instr r : live) {
            reads(r).forEach(v -> readers.computeIfAbsent(v, x -> new ArrayList<>()).add(r));
        }
        Set<Instr> lossOnly = new HashSet<>();
        for (int u = live.size() - 1; u >= 0; u--) {
            Instr r = live.get(u);
            List<Instr> by = readers.getOrDefault(r.out(), List.of());
            if ((loss.contains(r.out()) || !by.isEmpty()) && lossOnly.containsAll(by)
                    && !otherOutputs.contains(r.out()) && !biasGradient.containsKey(r.out())) {
                lossOnly.add(r);
            }
        }
        List<Instr> out = new ArrayList<>();
        live.stream().filter(r -> !lossOnly.contains(r)).forEach(out::add);
        live.stream().filter(lossOnly::contains).forEach(out::add);
        return out;
    }

    /** The value whose storage {@code v} occupies (a reshape aliases its operand). */
    private Value owner(Value v) {
        Instr p = producer.get(v);
        if (p != null && p.op() == Op.RESHAPE && !outputs.contains(v)) {
            return owner(p.args().get(0));
        }
        return v;
    }

    private List<Stmt> materialize(Instr root, Buf out) {
        return OpRules.RULES.get(root.op()).materialize(this, root, out);
    }

    /** The stored values the kernel of {@code root} reads: its operands, through the inline values among them. */
    private Set<Value> reads(Instr root) {
        Set<Value> out = new LinkedHashSet<>();
        root.args().forEach(a -> collect(a, out));
        return out;
    }

    private void collect(Value v, Set<Value> out) {
        Instr p = producer.get(v);
        if (p != null && p.inline()) {
            p.args().forEach(a -> collect(a, out));
        } else {
            out.add(v);
        }
    }

    private static String kernelName(Value v, Map<String, Integer> used) {
        StringBuilder s = new StringBuilder();
        for (char c : v.name().toCharArray()) {
            s.append(Character.isJavaIdentifierPart(c) ? c : '_');
        }
        String base = s.toString();
        int n = used.merge(base, 1, Integer::sum);
        return n == 1 ? base : base + "_" + n;
    }

    private String describe(Instr root) {
        List<String> parts = new ArrayList<>();
        describe(root, parts);
        Value second = biasGradient.get(root.out());
        if (second != null) {
            parts.add("%" + second.name() + " = " + producer.get(second).op().mnemonic());
        }
        return String.join("; ", new LinkedHashSet<>(parts));
    }

    private void describe(Instr i, List<String> parts) {
        for (Value a : i.args()) {
            Instr p = producer.get(a);
            if (p != null && p.inline()) {
                describe(p, parts);
            }
        }
        parts.add("%" + i.out().name() + " = " + i.op().mnemonic());
    }

    // ---- helpers the op rules call ----

    /** The value of {@code v} at per-axis indices: a load when it has storage, else its inlined expression. */
    Expr at(Value v, List<Index> idx) {
        Buf b = storage.get(v);
        if (b != null) {
            return new Expr.Load(b, linear(v.shape(), idx));
        }
        Instr p = producer.get(v);
        if (p == null || !p.inline()) {
            throw new IllegalStateException("%" + v.name() + " is read before it is computed");
        }
        return OpRules.RULES.get(p.op()).at(this, p, idx);
    }

    /** Operand {@code k} of {@code i}, broadcast to {@code i}'s result shape, at {@code idx}. */
    Expr operand(Instr i, int k, List<Index> idx) {
        Value a = i.args().get(k);
        Shape to = i.out().shape();
        Shape from = a.shape();
        int lead = to.rank() - from.rank();
        List<Index> sub = new ArrayList<>();
        for (int d = 0; d < from.rank(); d++) {
            boolean stretched = from.dim(d) == 1 && to.dim(d + lead) != 1;
            sub.add(stretched ? Index.ZERO : idx.get(d + lead));
        }
        return at(a, sub);
    }

    /** Row-major linear index of per-axis indices in shape {@code s}. */
    Index linear(Shape s, List<Index> idx) {
        Index out = Index.ZERO;
        Size stride = Size.ONE;
        for (int d = s.rank() - 1; d >= 0; d--) {
            out = out.plus(idx.get(d).times(stride));
            stride = stride.times(Size.dim(s.dim(d)));
        }
        return out;
    }

    /** A loop nest over {@code shape} storing {@code value(idx)} into {@code out}. */
    List<Stmt> elementwise(Shape shape, Buf out, Function<List<Index>, Expr> value) {
        List<LoopVar> vars = new ArrayList<>();
        List<Integer> axes = new ArrayList<>();
        for (int d = 0; d < shape.rank(); d++) {
            vars.add(new LoopVar("i" + d));
            axes.add(d);
        }
        List<Index> idx = vars.stream().map(Index::of).toList();
        Stmt store = new Stmt.Store(out, linear(shape, idx), value.apply(idx));
        return OpRules.nest(vars, axes, shape, List.of(store));
    }

    /** A flat copy of {@code v}'s storage into {@code to}. */
    List<Stmt> copy(Value v, Buf to) {
        LoopVar i = new LoopVar("i");
        Expr src = storage.containsKey(v) ? new Expr.Load(storage.get(v), Index.of(i)) : null;
        if (src == null) {
            return elementwise(v.shape(), to, idx -> at(v, idx));
        }
        return List.of(new Stmt.For(i, Size.numel(v.shape()), List.of(new Stmt.Store(to, Index.of(i), src))));
    }

    /**
     * The Gemm call computing a matrix product: matmul, matmul_tn (a transposed), or a fused gemm with its trans
     * flags and epilogue; gemm_acc's addend is stored into the result first, and the product accumulated into it.
     */
    List<Stmt> gemm(Instr i, Buf out) {
        Attr.Trans t = i.attr() instanceof Attr.Trans tr ? tr : new Attr.Trans(i.op() == Op.MATMUL_TN, false);
        Value a = i.args().get(0);
        Shape c = i.out().shape();
        Size k = Size.dim(t.a() ? a.shape().dim(0) : a.shape().dim(1));
        boolean bias = i.op() == Op.GEMM_BIAS || i.op() == Op.GEMM_BIAS_RELU;
        boolean accumulate = i.op() == Op.GEMM_ACC;
        List<Stmt> body = new ArrayList<>();
        if (accumulate) {
            body.addAll(elementwise(c, out, idx -> operand(i, 2, idx)));
        }
        body.add(new Stmt.GemmCall(t.a(), t.b(), Size.dim(c.dim(0)), Size.dim(c.dim(1)), k, stored(a),
                stored(i.args().get(1)), out, accumulate, bias ? stored(i.args().get(2)) : null,
                i.op() == Op.GEMM_BIAS_RELU ? Gemm.ACT_RELU : Gemm.ACT_NONE));
        return body;
    }

    /** The runtime call computing a convolution-family op; a filter gradient also writes its fused bias gradient. */
    List<Stmt> convolution(Instr i, Buf out) {
        Value second = biasGradient.get(i.out());
        return List.of(WindowLowering.convolution(this, i, out, second == null ? null : storage.get(second)));
    }

    /** The buffer holding {@code v}, which a runtime kernel reads whole; it must have been materialised. */
    Buf stored(Value v) {
        Buf b = storage.get(v);
        if (b == null) {
            throw new IllegalStateException("%" + v.name() + " is read by a runtime kernel but has no storage");
        }
        return b;
    }
}
