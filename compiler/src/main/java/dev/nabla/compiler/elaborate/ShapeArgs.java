package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.shape.ShapeException;
import dev.nabla.compiler.shape.ShapeRules;

import java.util.ArrayList;
import java.util.List;

/**
 * Shapes written as lists: {@code [B, 8, 8]}, {@code [dim(x, -1), units]}, {@code [-1, 784]} for reshape. A list
 * inside the list is spliced in, so {@code [filters, dim(x, 1), pair(kernel)]} is a rank-4 kernel shape.
 */
final class ShapeArgs {

    private ShapeArgs() {
    }

    /**
     * The shape in argument {@code name}. With {@code inferFrom} non-null, one {@code -1} takes whatever size
     * keeps the element count of {@code inferFrom}.
     */
    static Shape shape(Args a, String name, Shape inferFrom) {
        if (!(a.get(name) instanceof Val.ListVal list)) {
            throw a.wrong(name, "a list of dimensions such as [B, 8]");
        }
        return of(list.items(), a.span(name), inferFrom);
    }

    static Shape of(List<Val> items, Span span, Shape inferFrom) {
        List<Val> flat = new ArrayList<>();
        splice(items, flat);
        List<Integer> dims = new ArrayList<>();
        int inferred = -1;
        for (int i = 0; i < flat.size(); i++) {
            Val v = flat.get(i);
            if (v instanceof Val.Batch b) {
                if (i != 0) {
                    throw new ElabError(span, "the batch dimension " + b.symbol() + " can only be the first dimension");
                }
                dims.add(Shape.BATCH);
                continue;
            }
            int d = Values.integer(v, span, "dimension " + (i + 1));
            if (d == -1 && inferFrom != null && inferred < 0) {
                inferred = i;
                dims.add(1);
            } else if (d < 1) {
                throw new ElabError(span, "dimension " + (i + 1) + " must be positive, got " + d
                        + (d == -1 && inferFrom != null ? " (only one dimension can be -1)" : ""));
            } else {
                dims.add(d);
            }
        }
        if (inferred >= 0) {
            dims.set(inferred, inferredSize(dims, inferred, span, inferFrom));
        }
        return checked(dims, span);
    }

    /** A declared shape, which must fit in a Java array per example. */
    static Shape checked(List<Integer> dims, Span span) {
        Shape shape = new Shape(dims);
        try {
            ShapeRules.checkSize(shape, "a tensor of shape");
        } catch (ShapeException e) {
            throw new ElabError(span, e.getMessage());
        }
        return shape;
    }

    private static void splice(List<Val> items, List<Val> into) {
        for (Val v : items) {
            if (v instanceof Val.ListVal l) {
                splice(l.items(), into);
            } else {
                into.add(v);
            }
        }
    }

    /**
     * The size a {@code -1} at axis {@code at} stands for. The elements per batch row of {@code from} must divide
     * by the known dimensions. When {@code from} has the batch B and the target does not name it, the -1 stands
     * for B itself: only on axis 0 (B can be no other axis) and only if nothing is left over (2*B is no size).
     */
    private static int inferredSize(List<Integer> dims, int at, Span span, Shape from) {
        String target = render(dims, at);
        long known = new Shape(dims).numel(1);
        long total = from.numel(1);
        if (total % known != 0) {
            throw new ElabError(span, "cannot reshape " + from + " to " + target + ": " + total
                    + " elements per batch row do not divide by " + known);
        }
        if (!from.batched() || dims.get(0) == Shape.BATCH) {
            return (int) (total / known);
        }
        if (at != 0) {
            throw new ElabError(span, "cannot reshape " + from + " to " + target + ": the -1 would have to absorb the"
                    + " batch dimension B, which can only be the first axis; write [B, ...] or put the -1 first");
        }
        if (total != known) {
            throw new ElabError(span, "cannot reshape " + from + " to " + target + ": the -1 would be " + (total / known)
                    + "*B, but the batch dimension B must stay a dimension of its own");
        }
        return Shape.BATCH;
    }

    /** The target as written, with -1 at the inferred axis. */
    private static String render(List<Integer> dims, int at) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < dims.size(); i++) {
            s.append(i > 0 ? "," : "").append(i == at ? "-1" : dims.get(i) == Shape.BATCH ? "B" : dims.get(i).toString());
        }
        return s.append(']').toString();
    }
}
