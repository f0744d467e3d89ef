package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.Value;
import dev.nabla.compiler.syntax.Expr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Indexing and slicing ({@code x[:, t, :]}, {@code x[:, 2:5]}, negative positions counting from the end),
 * {@code concat}, {@code stack} and {@code shape}. All of them are SLICE, PAD, RESHAPE and ADD in the IR: a slice
 * is one SLICE (then a RESHAPE dropping indexed axes); a concatenation places each part in zeros of the result's
 * shape with PAD and adds the parts, so its gradient is a SLICE per part with no rule of its own. Unlike Python,
 * a range that runs past the end is an error, not silently shortened: a model's shapes are static, so it is a
 * mistake. The batch axis is never indexed, sliced or concatenated along.
 */
final class SequenceBuiltins {

    private SequenceBuiltins() {
    }

    static void register(Map<String, Val> table) {
        TensorBuiltins.add(table, "concat", List.of("xs", "axis"), Map.of("axis", new Val.Num(-1, true)), (e, a) -> {
            List<Value> xs = tensors(e, a);
            return new Val.Tensor(concat(e, xs, axis(a, xs.get(0).shape().rank()), a));
        });
        TensorBuiltins.add(table, "stack", List.of("xs", "axis"), Map.of("axis", new Val.Num(-1, true)),
                SequenceBuiltins::stack);
        TensorBuiltins.add(table, "shape", List.of("x"), Map.of(), (e, a) -> {
            Shape s = e.tensor(a.get("x"), a.span("x"), "argument 'x' of 'shape'").shape();
            return new Val.ListVal(s.dims().stream().map(d -> d == Shape.BATCH ? (Val) new Val.Batch("B")
                    : new Val.Num(d, true)).toList());
        });
    }

    /** {@code x[items]}: the positions and ranges of the leading axes, whole trailing axes. */
    static Value index(BuiltinFn.Emitter e, Expr.Index ix, Value x, List<Val[]> items) {
        Shape s = x.shape();
        if (items.size() > s.rank()) {
            throw new ElabError(ix.span(), items.size() + " indices for a tensor of rank " + s.rank() + " (" + x.type() + ")");
        }
        List<Integer> offset = new ArrayList<>();
        List<Integer> box = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (int d = 0; d < s.rank(); d++) {
            int size = s.dim(d);
            Expr.Slice item = d < items.size() ? ix.items().get(d) : null;
            Val[] v = d < items.size() ? items.get(d) : null;
            if (size == Shape.BATCH) {
                if (item != null && !(item.range() && item.from() == null && item.to() == null)) {
                    throw new ElabError(item.span(), "the batch axis B cannot be indexed or sliced: write ':' for it");
                }
                offset.add(0);
                box.add(Shape.BATCH);
                kept.add(Shape.BATCH);
            } else if (item != null && !item.range()) {
                offset.add(position(v[0], item.point().span(), d, size, false));
                box.add(1);
            } else {
                int from = v == null || v[0] == null ? 0 : position(v[0], item.from().span(), d, size, true);
                int to = v == null || v[1] == null ? size : position(v[1], item.to().span(), d, size, true);
                if (to <= from) {
                    throw new ElabError(item.span(), "the range " + from + ":" + to + " of axis " + d + " (size " + size
                            + ") is empty");
                }
                offset.add(from);
                box.add(to - from);
                kept.add(to - from);
            }
        }
        Value sliced = box.equals(s.dims()) ? x
                : e.emit(Op.SLICE, List.of(x), new Attr.Region(offset, new Shape(box)), ix.span());
        return kept.size() == box.size() ? sliced
                : e.emit(Op.RESHAPE, List.of(sliced), new Attr.To(new Shape(kept)), ix.span());
    }

    /**
     * A position on an axis of {@code size}: an integer in {@code -size .. size-1} (negative counts from the end);
     * a range's start or end may also be {@code size}, one past the last element.
     */
    private static int position(Val v, Span span, int axis, int size, boolean rangeEnd) {
        int p = Values.integer(v, span, "an index");
        int absolute = p < 0 ? p + size : p;
        int limit = rangeEnd ? size : size - 1;
        if (absolute < 0 || absolute > limit) {
            throw new ElabError(span, "index " + p + " is out of range for axis " + axis + " of size " + size
                    + " (valid: " + -size + " to " + limit + ")");
        }
        return absolute;
    }

    private static List<Value> tensors(BuiltinFn.Emitter e, Args a) {
        if (!(a.get("xs") instanceof Val.ListVal list) || list.items().isEmpty()) {
            throw a.wrong("xs", "a non-empty list of tensors such as [a, b]");
        }
        List<Value> xs = new ArrayList<>();
        for (Val v : list.items()) {
            xs.add(e.tensor(v, a.span("xs"), "each item of argument 'xs' of '" + a.fn() + "'"));
        }
        return xs;
    }

    /** The axis argument made absolute for a result of {@code rank}; never the batch axis of a batched result. */
    private static int axis(Args a, int rank) {
        int axis = a.integer("axis");
        int normal = axis < 0 ? axis + rank : axis;
        if (normal < 0 || normal >= rank) {
            throw new ElabError(a.span("axis"), "axis " + axis + " is out of range for a result of rank " + rank);
        }
        return normal;
    }

    private static Value concat(BuiltinFn.Emitter e, List<Value> xs, int axis, Args a) {
        Shape first = xs.get(0).shape();
        if (first.dim(axis) == Shape.BATCH) {
            throw new ElabError(a.span("axis"), "cannot concatenate along the batch axis B");
        }
        long total = 0;
        for (int k = 0; k < xs.size(); k++) {
            Shape s = xs.get(k).shape();
            boolean fits = s.rank() == first.rank();
            for (int d = 0; fits && d < s.rank(); d++) {
                fits = d == axis || s.dim(d) == first.dim(d);
            }
            if (!fits) {
                throw new ElabError(a.span("xs"), "cannot " + a.fn() + " " + xs.get(0).type() + " and " + xs.get(k).type()
                        + " (item " + (k + 1) + ") along axis " + axis + ": every other axis must agree");
            }
            total += s.dim(axis);
        }
        if (xs.size() == 1) {
            return xs.get(0);
        }
        if (total > Shape.MAX_ELEMENTS) {
            throw new ElabError(a.call(), "the " + a.fn() + " result's axis " + axis + " would hold " + total
                    + " elements; a tensor holds at most " + Shape.MAX_ELEMENTS + " (one Java array)");
        }
        List<Integer> dims = new ArrayList<>(first.dims());
        dims.set(axis, (int) total);
        Shape to = new Shape(dims);
        Value sum = null;
        int at = 0;
        for (Value x : xs) {
            List<Integer> offset = new ArrayList<>(Collections.nCopies(to.rank(), 0));
            offset.set(axis, at);
            at += x.shape().dim(axis);
            Value placed = e.emit(Op.PAD, List.of(x), new Attr.Region(offset, to), a.call());
            sum = sum == null ? placed : e.emit(Op.ADD, List.of(sum, placed), Attr.NONE, a.call());
        }
        return sum;
    }

    /** Each item gets a new axis of size 1 at {@code axis}, then they are concatenated along it. */
    private static Val stack(BuiltinFn.Emitter e, Args a) {
        List<Value> xs = tensors(e, a);
        Shape first = xs.get(0).shape();
        int axis = axis(a, first.rank() + 1);
        if (axis == 0 && first.batched()) {
            throw new ElabError(a.span("axis"), "cannot stack along axis 0: the batch axis B must stay first");
        }
        List<Value> expanded = new ArrayList<>();
        for (int k = 0; k < xs.size(); k++) {
            Shape s = xs.get(k).shape();
            if (!s.equals(first)) {
                throw new ElabError(a.span("xs"), "cannot stack " + xs.get(0).type() + " and " + xs.get(k).type()
                        + " (item " + (k + 1) + "): stacked tensors have one shape");
            }
            List<Integer> dims = new ArrayList<>(s.dims());
            dims.add(axis, 1);
            expanded.add(e.emit(Op.RESHAPE, List.of(xs.get(k)), new Attr.To(new Shape(dims)), a.call()));
        }
        return new Val.Tensor(concat(e, expanded, axis, a));
    }
}
