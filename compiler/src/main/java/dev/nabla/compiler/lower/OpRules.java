package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;
import dev.nabla.compiler.lower.Stmt.AccOp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The lowering of every op, keyed by op. */
final class OpRules {

    static final Map<Op, OpLowering> RULES = new EnumMap<>(Op.class);

    static {
        for (Op op : Op.values()) {
            switch (op.family()) {
                case UNARY -> RULES.put(op, (OpLowering.Inline) (l, i, idx) -> Expr.un(op, l.operand(i, 0, idx)));
                case BINARY -> RULES.put(op, (OpLowering.Inline) (l, i, idx) ->
                        Expr.bin(op, l.operand(i, 0, idx), l.operand(i, 1, idx)));
                default -> { }
            }
        }
        RULES.put(Op.SELECT, (OpLowering.Inline) (l, i, idx) ->
                new Expr.Select(l.operand(i, 0, idx), l.operand(i, 1, idx), l.operand(i, 2, idx)));
        RULES.put(Op.BROADCAST, (OpLowering.Inline) (l, i, idx) -> l.operand(i, 0, idx));
        RULES.put(Op.TRANSPOSE, (OpLowering.Inline) OpRules::transposed);
        RULES.put(Op.ONE_HOT, (OpLowering.Inline) (l, i, idx) -> Expr.bin(Op.EQUAL,
                l.at(i.args().get(0), idx.subList(0, idx.size() - 1)), new Expr.IndexValue(idx.get(idx.size() - 1))));
        RULES.put(Op.CONSTANT, (OpLowering.Inline) (l, i, idx) -> Expr.c(((Attr.Const) i.attr()).value()));
        RULES.put(Op.RANDOM_UNIFORM, (OpLowering.Inline) OpRules::draw);
        RULES.put(Op.RANDOM_NORMAL, (OpLowering.Inline) OpRules::draw);
        RULES.put(Op.SLICE, (OpLowering.Inline) (l, i, idx) -> l.at(i.args().get(0), shifted(idx, (Attr.Region) i.attr())));
        RULES.put(Op.PAD, (OpLowering.Materialized) OpRules::pad);
        RULES.put(Op.RESHAPE, (OpLowering.Materialized) (l, i, out) -> l.copy(i.args().get(0), out));
        for (Op op : List.of(Op.MATMUL, Op.MATMUL_TN, Op.GEMM, Op.GEMM_BIAS, Op.GEMM_BIAS_RELU, Op.GEMM_ACC)) {
            RULES.put(op, (OpLowering.Materialized) Lowering::gemm);
        }
        for (Op op : List.of(Op.CONV2D, Op.CONV2D_BIAS, Op.CONV2D_BIAS_RELU, Op.CONV2D_BACKWARD_INPUT,
                Op.CONV2D_BACKWARD_FILTER)) {
            RULES.put(op, (OpLowering.Materialized) Lowering::convolution);
        }
        RULES.put(Op.CONV2D_BACKWARD_BIAS, (OpLowering.Materialized) (l, i, out) -> {
            throw new IllegalStateException("%" + i.out().name() + " is written by the kernel of the filter gradient "
                    + i.args().get(1) + ", never by a kernel of its own");
        });
        for (Op op : List.of(Op.MAX_POOL2D, Op.MAX_POOL2D_BACKWARD, Op.MAX_POOL2D_BACKWARD_RELU, Op.MAX_POOL2D_GATHER,
                Op.AVG_POOL2D, Op.AVG_POOL2D_BACKWARD)) {
            RULES.put(op, (OpLowering.Materialized) WindowLowering::pooling);
        }
        RULES.put(Op.SUM, (OpLowering.Materialized) (l, i, out) -> reduce(l, i, out, AccOp.SUM, false));
        RULES.put(Op.MEAN, (OpLowering.Materialized) (l, i, out) -> reduce(l, i, out, AccOp.SUM, true));
        RULES.put(Op.MAX, (OpLowering.Materialized) (l, i, out) -> reduce(l, i, out, AccOp.MAX, false));
        RULES.put(Op.SOFTMAX, (OpLowering.Materialized) (l, i, out) -> softmax(l, i, out, false));
        RULES.put(Op.LOG_SOFTMAX, (OpLowering.Materialized) (l, i, out) -> softmax(l, i, out, true));
    }

    private OpRules() {
    }

    /** Element {@code idx} of a draw: the generator at the element's row-major position in the result. */
    private static Expr draw(Lowering l, Instr i, List<Index> idx) {
        Attr.Draw d = (Attr.Draw) i.attr();
        return new Expr.Random(i.op(), l.operand(i, 0, idx), l.operand(i, 1, idx), d.stream(), l.linear(d.to(), idx));
    }

    /** Per-axis indices moved by a region's offset. */
    private static List<Index> shifted(List<Index> idx, Attr.Region r) {
        List<Index> at = new ArrayList<>(idx.size());
        for (int d = 0; d < idx.size(); d++) {
            at.add(idx.get(d).plus(Index.constant(r.offset().get(d))));
        }
        return at;
    }

    /** Zeros, then the operand's elements at their shifted positions. */
    private static List<Stmt> pad(Lowering l, Instr i, Buf out) {
        Value x = i.args().get(0);
        Attr.Region r = (Attr.Region) i.attr();
        List<Stmt> body = new ArrayList<>(l.elementwise(i.out().shape(), out, idx -> Expr.c(0)));
        List<LoopVar> vars = new ArrayList<>();
        List<Integer> axes = new ArrayList<>();
        for (int d = 0; d < x.shape().rank(); d++) {
            vars.add(new LoopVar("i" + d));
            axes.add(d);
        }
        List<Index> idx = vars.stream().map(Index::of).toList();
        Stmt store = new Stmt.Store(out, l.linear(r.to(), shifted(idx, r)), l.at(x, idx));
        body.addAll(nest(vars, axes, x.shape(), List.of(store)));
        return body;
    }

    /** Output axis k of a transpose is input axis perm[k]. */
    private static Expr transposed(Lowering l, Instr i, List<Index> idx) {
        List<Integer> perm = ((Attr.Perm) i.attr()).perm();
        Index[] in = new Index[perm.size()];
        for (int k = 0; k < perm.size(); k++) {
            in[perm.get(k)] = idx.get(k);
        }
        return l.at(i.args().get(0), List.of(in));
    }

    /**
     * Reduction. When the reduced axes lead (bias gradients: sum over the batch; gradient health's maximum over the
     * batch), the output is set to the identity (0, or -infinity for a maximum) then accumulated row by row, so the
     * inner loop runs contiguously and vectorizes; otherwise one accumulator per output element.
     */
    private static List<Stmt> reduce(Lowering l, Instr i, Buf out, AccOp op, boolean mean) {
        Value x = i.args().get(0);
        Shape s = x.shape();
        Attr.Axes axes = (Attr.Axes) i.attr();
        List<LoopVar> vars = new ArrayList<>();
        for (int d = 0; d < s.rank(); d++) {
            vars.add(new LoopVar("i" + d));
        }
        List<Index> inIdx = vars.stream().map(Index::of).toList();
        List<Index> outIdx = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        Size count = Size.ONE;
        for (int d = 0; d < s.rank(); d++) {
            if (axes.axes().contains(d)) {
                count = count.times(Size.dim(s.dim(d)));
                if (axes.keepDims()) {
                    outIdx.add(Index.ZERO);
                }
            } else {
                kept.add(d);
                outIdx.add(inIdx.get(d));
            }
        }
        Index o = l.linear(i.out().shape(), outIdx);
        Expr value = l.at(x, inIdx);
        boolean leading = !kept.isEmpty() && kept.get(0) == axes.axes().size();
        if (leading) {
            boolean sum = op == AccOp.SUM;
            Expr cur = new Expr.Load(out, o);
            List<Stmt> body = new ArrayList<>(nest(vars, kept, s,
                    List.of(new Stmt.Store(out, o, Expr.c(sum ? 0 : Double.NEGATIVE_INFINITY)))));
            List<Integer> all = new ArrayList<>(axes.axes());
            all.addAll(kept);
            body.addAll(nest(vars, all, s, List.of(new Stmt.Store(out, o, Expr.bin(sum ? Op.ADD : Op.MAXIMUM, cur, value)))));
            if (mean) {
                body.addAll(nest(vars, kept, s, List.of(new Stmt.Store(out, o,
                        Expr.bin(Op.DIV, cur, new Expr.SizeValue(count))))));
            }
            return body;
        }
        Local acc = new Local("acc", true);
        Expr result = new Expr.Read(acc);
        if (mean) {
            result = Expr.bin(Op.DIV, result, new Expr.SizeValue(count));
        }
        List<Stmt> inner = new ArrayList<>();
        inner.add(new Stmt.AccInit(acc, op == AccOp.SUM ? 0 : Double.NEGATIVE_INFINITY));
        inner.addAll(nest(vars, axes.axes(), s, List.of(new Stmt.Accum(acc, op, value))));
        inner.add(new Stmt.Store(out, o, result));
        return nest(vars, kept, s, inner);
    }

    /** Loops over {@code axes} of {@code s} (outermost first) around {@code body}. */
    static List<Stmt> nest(List<LoopVar> vars, List<Integer> axes, Shape s, List<Stmt> body) {
        List<Stmt> cur = body;
        List<Integer> rev = new ArrayList<>(axes);
        Collections.reverse(rev);
        for (int d : rev) {
            cur = List.of(new Stmt.For(vars.get(d), Size.dim(s.dim(d)), cur));
        }
        return cur;
    }

    /**
     * Stable (log-)softmax along one axis: the maximum, then the sum of exp(x - max), then the result. Softmax
     * stores each exponential as it sums them and scales the row by 1/sum afterwards: one exp per element.
     */
    private static List<Stmt> softmax(Lowering l, Instr i, Buf out, boolean log) {
        Value x = i.args().get(0);
        Shape s = x.shape();
        int axis = ((Attr.Axis) i.attr()).axis();
        List<LoopVar> vars = new ArrayList<>();
        for (int d = 0; d < s.rank(); d++) {
            vars.add(new LoopVar(d == axis ? "j" : "i" + d));
        }
        List<Index> idx = vars.stream().map(Index::of).toList();
        Index at = l.linear(s, idx);
        Expr xv = l.at(x, idx);
        Local max = new Local("max", true);
        Local sum = new Local("sum", true);
        Expr shifted = Expr.bin(Op.SUB, xv, new Expr.Read(max));
        List<Integer> along = List.of(axis);
        List<Stmt> row = new ArrayList<>();
        row.add(new Stmt.AccInit(max, Double.NEGATIVE_INFINITY));
        row.addAll(nest(vars, along, s, List.of(new Stmt.Accum(max, AccOp.MAX, xv))));
        row.add(new Stmt.AccInit(sum, 0));
        if (log) {
            // log(sum) once per row, not once per element: a loop this short stays scalar, where C2 does not move
            // the call out of the loop
            Local lse = new Local("lse", false);
            row.addAll(nest(vars, along, s, List.of(new Stmt.Accum(sum, AccOp.SUM, Expr.un(Op.EXP, shifted)))));
            row.add(new Stmt.Let(lse, Expr.un(Op.LOG, new Expr.Read(sum))));
            row.addAll(nest(vars, along, s, List.of(new Stmt.Store(out, at,
                    Expr.bin(Op.SUB, shifted, new Expr.Read(lse))))));
        } else {
            Local e = new Local("e", false);
            Local inv = new Local("inv", false);
            row.addAll(nest(vars, along, s, List.of(new Stmt.Let(e, Expr.un(Op.EXP, shifted)),
                    new Stmt.Store(out, at, new Expr.Read(e)), new Stmt.Accum(sum, AccOp.SUM, new Expr.Read(e)))));
            row.add(new Stmt.Let(inv, Expr.bin(Op.DIV, Expr.c(1), new Expr.Read(sum))));
            row.addAll(nest(vars, along, s, List.of(new Stmt.Store(out, at,
                    Expr.bin(Op.MUL, new Expr.Load(out, at), new Expr.Read(inv))))));
        }
        List<Integer> others = new ArrayList<>();
        for (int d = 0; d < s.rank(); d++) {
            if (d != axis) {
                others.add(d);
            }
        }
        return nest(vars, others, s, row);
    }
}
