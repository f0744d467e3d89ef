package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;

import java.util.ArrayList;
import java.util.List;

/** Shapes written as lists: {@code [B, 8, 8]}, {@code [dim(x, -1), units]}, {@code [B, -1]} for reshape. */
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
        List<Integer> dims = new ArrayList<>();
        int inferred = -1;
        for (int i = 0; i < items.size(); i++) {
            Val v = items.get(i);
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
                throw new ElabError(span, "dimension " + (i + 1) + " must be positive, got " + d);
            } else {
                dims.add(d);
            }
        }
        if (inferred >= 0) {
            long known = new Shape(dims).numel(1);
            long total = inferFrom.numel(1);
            if (total % known != 0) {
                throw new ElabError(span, "cannot reshape " + inferFrom + " to " + items.size()
                        + " dimensions: " + total + " elements do not divide by " + known);
            }
            dims.set(inferred, (int) (total / known));
        }
        return new Shape(dims);
    }
}
