package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Lowers one graph to a {@link Program}: decides fusion, assigns storage (interface buffers for inputs and
 * outputs, TEMPs from the {@link MemoryPlan} for the rest), then emits one kernel per root value.
 */
public final class Lowering {

    private final Fusion fusion;
    private final Map<Value, Buf> storage = new HashMap<>();

    private Lowering(Fusion fusion) {
        this.fusion = fusion;
    }

    /** Every op's lowering rule (exposed for the coverage test). */
    public static Map<Op, ?> rules() {
        return OpRules.RULES;
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
        Graph rewritten = Peephole.run(g);
        Lowering l = new Lowering(new Fusion(rewritten, OpRules.RULES));
        return l.run(entry, rewritten, bufferIndex, outputBuffer, plan);
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
            if (o.role() != Graph.OutputRole.STATE_UPDATE && fusion.producer.containsKey(v) && !dest.containsKey(v)) {
                dest.put(v, new Buf(bufferIndex.get(outputBuffer.apply(o)), outputBuffer.apply(o)));
            } else {
                copies.add(o);
            }
        }
        List<Instr> live = liveRoots();
        Map<Value, Integer> lastRead = lastReads(live, copies);
        List<Kernel> kernels = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int u = 0; u < live.size(); u++) {
            Instr root = live.get(u);
            Value v = root.out();
            if (!dest.containsKey(v) && root.op() == Op.RESHAPE && !fusion.gemms.containsKey(v)) {
                storage.put(v, storage.get(root.args().get(0)));
                continue;
            }
            Buf out = dest.containsKey(v) ? dest.get(v) : plan.allocate(v);
            storage.put(v, out);
            Value second = fusion.secondOutput(v);
            if (second != null) {
                storage.put(second, dest.containsKey(second) ? dest.get(second) : plan.allocate(second));
            }
            kernels.add(new Kernel(kernelName(v, names), root.span(), describe(root), materialize(root, out)));
            for (Value r : fusion.reads(root)) {
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
            Instr p = fusion.producer.get(o.value());
            kernels.add(new Kernel(kernelName(o.value(), names), p == null ? Span.NONE : p.span(),
                    "copy %" + o.value().name() + " to " + to, copy(o.value(), to)));
        }
        return new Program(entry, kernels);
    }

    /**
     * The index of the last kernel reading each stored value (by owner: a reshape's reads keep its operand
     * alive); values that outputs copy at the end are never released.
     */
    private Map<Value, Integer> lastReads(List<Instr> live, List<Graph.Output> copies) {
        Map<Value, Integer> lastRead = new HashMap<>();
        for (int u = 0; u < live.size(); u++) {
            for (Value r : fusion.reads(live.get(u))) {
                lastRead.put(owner(r), u);
            }
        }
        copies.forEach(o -> lastRead.put(owner(o.value()), Integer.MAX_VALUE));
        return lastRead;
    }

    /** Kernel roots whose results are read or returned (dead roots are skipped). */
    private List<Instr> liveRoots() {
        Set<Value> needed = new HashSet<>(fusion.outputs);
        List<Instr> roots = fusion.roots;
        boolean[] keep = new boolean[roots.size()];
        for (int u = roots.size() - 1; u >= 0; u--) {
            Instr r = roots.get(u);
            Value second = fusion.secondOutput(r.out());
            if (needed.contains(r.out()) || second != null && needed.contains(second)) {
                keep[u] = true;
                needed.addAll(fusion.reads(r));
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

    /** The value whose storage {@code v} occupies (a reshape aliases its operand). */
    private Value owner(Value v) {
        Instr p = fusion.producer.get(v);
        if (p != null && p.op() == Op.RESHAPE && !fusion.outputs.contains(v)) {
            return owner(p.args().get(0));
        }
        return v;
    }

    private List<Stmt> materialize(Instr root, Buf out) {
        if (fusion.gemms.containsKey(root.out())) {
            return gemm(root.out(), out);
        }
        if (fusion.convs.containsKey(root.out())) {
            return convolution(root.out(), out);
        }
        if (fusion.reluMaskedPools.containsKey(root.out())) {
            return WindowLowering.pooling(this, fusion.reluMaskedPools.get(root.out()), out, true);
        }
        return OpRules.RULES.get(root.op()).materialize(this, root, out);
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
        Fusion.GemmPlan gp = fusion.gemms.get(root.out());
        if (gp != null && gp.matmul() != root) {
            parts.add(0, "%" + gp.matmul().out().name() + " = " + gp.matmul().op().mnemonic());
        }
        Instr masked = fusion.reluMaskedPools.get(root.out());
        if (masked != null) {
            parts.add(0, "%" + masked.out().name() + " = " + masked.op().mnemonic());
        }
        Fusion.ConvPlan cp = fusion.convs.get(root.out());
        if (cp != null && cp.conv() != root) {
            parts.add(0, "%" + cp.conv().out().name() + " = " + cp.conv().op().mnemonic());
        }
        if (cp != null && cp.biasGrad() != null) {
            parts.add("%" + cp.biasGrad().name() + " = sum");
        }
        return String.join("; ", new LinkedHashSet<>(parts));
    }

    private void describe(Instr i, List<String> parts) {
        for (Value a : i.args()) {
            if (fusion.inlined.contains(a)) {
                describe(fusion.producer.get(a), parts);
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
        Instr p = fusion.producer.get(v);
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

    /** The Gemm call computing {@code root}: a product with its epilogue, or its addend stored then accumulated into. */
    List<Stmt> gemm(Value root, Buf out) {
        Fusion.GemmPlan p = fusion.gemms.get(root);
        Shape c = p.matmul().out().shape();
        Size m = Size.dim(c.dim(0));
        Size n = Size.dim(c.dim(1));
        Size k = Size.dim(p.k());
        Buf bias = p.bias() == null ? null : storage.get(p.bias());
        List<Stmt> body = new ArrayList<>();
        if (p.addend() != null) {
            body.addAll(elementwise(c, out, idx -> operandOf(root, p.addend(), idx)));
        }
        body.add(new Stmt.GemmCall(p.transA(), p.transB(), m, n, k, storage.get(p.a()), storage.get(p.b()), out,
                p.addend() != null, bias, p.act()));
        return body;
    }

    /** The runtime call computing a convolution-family root, with what it absorbed. */
    List<Stmt> convolution(Value root, Buf out) {
        Fusion.ConvPlan p = fusion.convs.get(root);
        Buf biasGrad = p.biasGrad() == null ? null : storage.get(p.biasGrad());
        return List.of(WindowLowering.convolution(this, p, out, biasGrad));
    }

    /** The buffer holding {@code v}, which a runtime kernel reads whole; it must have been materialised. */
    Buf stored(Value v) {
        Buf b = storage.get(v);
        if (b == null) {
            throw new IllegalStateException("%" + v.name() + " is read by a runtime kernel but has no storage");
        }
        return b;
    }

    /** Operand {@code v} of instruction {@code consumer}'s result, broadcast to it, at {@code idx}. */
    private Expr operandOf(Value consumer, Value v, List<Index> idx) {
        Instr add = fusion.producer.get(consumer);
        return operand(add, add.args().get(0).equals(v) ? 0 : 1, idx);
    }
}
