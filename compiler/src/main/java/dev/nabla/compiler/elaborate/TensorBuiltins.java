package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Built-in tensor functions: each maps to one IR op (sometimes after computing its attribute). */
final class TensorBuiltins {

    private static final Map<String, Op> BINARY = Map.of("maximum", Op.MAXIMUM, "minimum", Op.MINIMUM,
            "greater", Op.GREATER, "equal", Op.EQUAL, "add", Op.ADD, "sub", Op.SUB, "mul", Op.MUL, "div", Op.DIV,
            "matmul", Op.MATMUL, "pow", Op.POW);
    private static final Map<String, Op> REDUCTIONS = Map.of("sum", Op.SUM, "mean", Op.MEAN, "max", Op.MAX);
    private static final Map<String, Op> ALONG_AXIS = Map.of("softmax", Op.SOFTMAX, "log_softmax", Op.LOG_SOFTMAX);

    private TensorBuiltins() {
    }

    static void register(Map<String, Val> table) {
        // every elementwise unary op is a builtin of its own name, so a new one needs no entry here; on a number it
        // folds to a number (k = 1 / sqrt(units) in an initializer)
        for (Op op : Op.values()) {
            if (op.family() == Op.Family.UNARY) {
                add(table, op.mnemonic(), List.of("x"), Map.of(), (e, a) -> a.get("x") instanceof Val.Num n
                        ? new Val.Num(Interpreter.unary(op, n.value()), false)
                        : tensor(e.emit(op, List.of(x(e, a, "x")), Attr.NONE, a.call())));
            }
        }
        BINARY.forEach((name, op) -> add(table, name, List.of("a", "b"), Map.of(),
                (e, a) -> tensor(e.emit(op, List.of(x(e, a, "a"), x(e, a, "b")), Attr.NONE, a.call()))));
        add(table, "where", List.of("cond", "a", "b"), Map.of(), (e, a) -> tensor(e.emit(Op.SELECT,
                List.of(x(e, a, "cond"), x(e, a, "a"), x(e, a, "b")), Attr.NONE, a.call())));
        REDUCTIONS.forEach((name, op) -> add(table, name, List.of("x", "axis", "keepdims"),
                Map.of("axis", Val.ABSENT, "keepdims", new Val.Bool(false)), (e, a) -> reduce(e, a, op)));
        ALONG_AXIS.forEach((name, op) -> add(table, name, List.of("x", "axis"), Map.of("axis", new Val.Num(-1, true)),
                (e, a) -> alongAxis(e, a, op)));
        add(table, "one_hot", List.of("labels", "depth"), Map.of(), TensorBuiltins::oneHot);
        add(table, "transpose", List.of("x", "perm"), Map.of("perm", Val.ABSENT), TensorBuiltins::transpose);
        add(table, "reshape", List.of("x", "shape"), Map.of(), (e, a) -> layout(e, a, Op.RESHAPE));
        add(table, "broadcast", List.of("x", "shape"), Map.of(), (e, a) -> layout(e, a, Op.BROADCAST));
        add(table, "flatten", List.of("x"), Map.of(), TensorBuiltins::flatten);
        add(table, "dim", List.of("x", "axis"), Map.of(), TensorBuiltins::dim);
        add(table, "rank", List.of("x"), Map.of(), (e, a) -> new Val.Num(x(e, a, "x").shape().rank(), true));
        add(table, "assert_rank", List.of("x", "ranks"), Map.of(), TensorBuiltins::assertRank);
        add(table, "count", List.of("x", "axis"), Map.of("axis", Val.ABSENT), TensorBuiltins::count);
    }

    static void add(Map<String, Val> table, String name, List<String> formals, Map<String, Val> defaults,
                    BuiltinFn.Impl impl) {
        table.put(name, new Val.Builtin(new BuiltinFn(name, formals, defaults, impl)));
    }

    private static Val tensor(Value v) {
        return new Val.Tensor(v);
    }

    private static Value x(BuiltinFn.Emitter e, Args a, String name) {
        return e.tensor(a.get(name), a.span(name), "argument '" + name + "' of '" + a.fn() + "'");
    }

    /** A possibly negative axis made absolute, or an error naming the shape. */
    private static int axis(Args a, String name, int axis, Shape shape) {
        int normal = shape.axis(axis);
        if (normal < 0) {
            throw new ElabError(a.span(name), "axis " + axis + " is out of range for a tensor of shape " + shape);
        }
        return normal;
    }

    private static Val reduce(BuiltinFn.Emitter e, Args a, Op op) {
        Value x = x(e, a, "x");
        TreeSet<Integer> axes = new TreeSet<>();
        if (a.given("axis")) {
            for (int ax : a.integers("axis")) {
                axes.add(axis(a, "axis", ax, x.shape()));
            }
        } else {
            for (int i = 0; i < x.shape().rank(); i++) {
                axes.add(i);
            }
        }
        return tensor(e.emit(op, List.of(x), new Attr.Axes(new ArrayList<>(axes), a.bool("keepdims")), a.call()));
    }

    private static Val alongAxis(BuiltinFn.Emitter e, Args a, Op op) {
        Value x = x(e, a, "x");
        Attr.Axis axis = new Attr.Axis(axis(a, "axis", a.integer("axis"), x.shape()));
        // producer() scans the graph built so far from its end: only a log_softmax asks
        Instr made = op == Op.LOG_SOFTMAX ? e.producer(x) : null;
        if (made != null && made.op() == Op.SOFTMAX && made.attr().equals(axis)) {
            // cross_entropy(probs, y) for cross_entropy(logits, y): it trains, slowly and toward flattened
            // probabilities, with no error anywhere (Keras warns the same of a softmax output given as logits)
            e.warn(a.call(), "log_softmax is given a softmax output (softmax at line " + made.span().line()
                    + "), which it normalizes a second time; pass the logits, the input of that softmax");
        }
        return tensor(e.emit(op, List.of(x), axis, a.call()));
    }

    private static Val oneHot(BuiltinFn.Emitter e, Args a) {
        Value labels = x(e, a, "labels");
        int depth = a.integer("depth");
        if (depth < 1) {
            throw new ElabError(a.span("depth"), "one_hot depth must be positive, got " + depth);
        }
        // A width that differs from the target's classes would train and then evaluate to NaN; the standard losses
        // take the depth from the logits (dim(logits, -1)), and their errors are reported at the loss's call.
        java.util.OptionalInt declared = e.declaredClasses(labels);
        if (declared.isPresent() && declared.getAsInt() != depth) {
            String have = Stdlib.FILE.equals(a.span("depth").file())
                    ? "the logits have " + depth + " classes" : "one_hot depth is " + depth;
            throw new ElabError(a.call(), have + " but target '" + labels.name() + "' declares classes "
                    + declared.getAsInt());
        }
        return tensor(e.emit(Op.ONE_HOT, List.of(labels), new Attr.Depth(depth), a.call()));
    }

    private static Val transpose(BuiltinFn.Emitter e, Args a) {
        Value x = x(e, a, "x");
        List<Integer> perm = new ArrayList<>();
        if (!a.given("perm")) {
            if (x.shape().rank() != 2) {
                throw new ElabError(a.call(), "transpose without a permutation needs a matrix, got " + x.type());
            }
            perm = List.of(1, 0);
        } else {
            for (int p : a.integers("perm")) {
                perm.add(x.shape().axis(p) < 0 ? p : x.shape().axis(p));
            }
        }
        return tensor(e.emit(Op.TRANSPOSE, List.of(x), new Attr.Perm(perm), a.call()));
    }

    private static Val layout(BuiltinFn.Emitter e, Args a, Op op) {
        Value x = x(e, a, "x");
        Shape to = ShapeArgs.shape(a, "shape", op == Op.RESHAPE ? x.shape() : null);
        return tensor(e.emit(op, List.of(x), new Attr.To(to), a.call()));
    }

    /** Keeps the batch axis (when there is one) and folds every other axis into one. */
    private static Val flatten(BuiltinFn.Emitter e, Args a) {
        Value x = x(e, a, "x");
        Shape s = x.shape();
        Shape to = s.batched() ? Shape.of(Shape.BATCH, (int) (s.numel(1))) : Shape.of((int) s.numel(1));
        return tensor(e.emit(Op.RESHAPE, List.of(x), new Attr.To(to), a.call()));
    }

    /**
     * How many elements a reduction of x over the axes takes (all axes by default), as a scalar tensor: mean's
     * divisor. Over the batch axis it is only known at run time, so it is computed as a sum over the batch of a
     * constant, as the gradient of a mean does (batch_norm's unbiased variance needs B*H*W).
     */
    private static Val count(BuiltinFn.Emitter e, Args a) {
        Value x = x(e, a, "x");
        Shape s = x.shape();
        TreeSet<Integer> axes = new TreeSet<>();
        if (a.given("axis")) {
            for (int ax : a.integers("axis")) {
                axes.add(axis(a, "axis", ax, s));
            }
        } else {
            for (int i = 0; i < s.rank(); i++) {
                axes.add(i);
            }
        }
        double fixed = 1;
        for (int ax : axes) {
            fixed *= s.dim(ax) == Shape.BATCH ? 1 : s.dim(ax);
        }
        Value c = e.constant(fixed, a.call());
        if (!axes.contains(0) || !s.batched()) {
            return tensor(c);
        }
        Value perRow = e.emit(Op.BROADCAST, List.of(c), new Attr.To(Shape.of(Shape.BATCH)), a.call());
        return tensor(e.emit(Op.SUM, List.of(perRow), new Attr.Axes(List.of(0), false), a.call()));
    }

    /** x itself when its rank is one of {@code ranks}: a layer's own check, reported at the layer's call. */
    private static Val assertRank(BuiltinFn.Emitter e, Args a) {
        Value x = x(e, a, "x");
        List<Integer> ranks = a.integers("ranks");
        if (ranks.isEmpty()) {
            throw new ElabError(a.call(), "assert_rank needs at least one rank, e.g. assert_rank(x, [2, 3])");
        }
        if (!ranks.contains(x.shape().rank())) {
            String allowed = ranks.size() == 1 ? String.valueOf(ranks.get(0))
                    : String.join(", ", ranks.subList(0, ranks.size() - 1).stream().map(String::valueOf).toList())
                    + " or " + ranks.get(ranks.size() - 1);
            throw new ElabError(a.call(), "expected a tensor of rank " + allowed + ", got " + x.type());
        }
        return tensor(x);
    }

    private static Val dim(BuiltinFn.Emitter e, Args a) {
        Value x = x(e, a, "x");
        int d = x.shape().dim(axis(a, "axis", a.integer("axis"), x.shape()));
        return d == Shape.BATCH ? new Val.Batch("B") : new Val.Num(d, true);
    }
}
