package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.Value;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Appends backward instructions to a graph builder. Every instruction gets the current span (the
 * forward instruction being differentiated, marked "in the gradient of") and a name hint saying whose
 * gradient it contributes to; the driver sets both before calling a rule.
 */
final class Emitter {

    private final GraphBuilder builder;
    private Span span = Span.NONE;
    private String hint = "grad";
    /** Constants equal to 1 (the seed): multiplying by them is skipped when it would not broadcast. */
    private final Set<Value> ones = new HashSet<>();

    Emitter(GraphBuilder builder) {
        this.builder = builder;
    }

    void at(Span forwardSpan, String gradientOf) {
        this.span = forwardSpan.inGradient();
        this.hint = "grad." + gradientOf;
    }

    Value op(Op op, Attr attr, Value... args) {
        return builder.add(op, List.of(args), attr, span, hint);
    }

    Value op(Op op, Value... args) {
        return op(op, Attr.NONE, args);
    }

    Value constant(double value) {
        Value c = builder.constant(value, Shape.SCALAR, span);
        if (value == 1.0) {
            ones.add(c);
        }
        return c;
    }

    Value constant(double value, Shape shape) {
        return builder.constant(value, shape, span);
    }

    Value add(Value a, Value b) {
        return op(Op.ADD, a, b);
    }

    Value sub(Value a, Value b) {
        return op(Op.SUB, a, b);
    }

    Value mul(Value a, Value b) {
        if (ones.contains(a) && a.shape().rank() <= b.shape().rank()) {
            return b;
        }
        if (ones.contains(b) && b.shape().rank() <= a.shape().rank()) {
            return a;
        }
        return op(Op.MUL, a, b);
    }

    Value div(Value a, Value b) {
        return op(Op.DIV, a, b);
    }

    Value neg(Value a) {
        return op(Op.NEG, a);
    }

    Value reshape(Value a, Shape to) {
        return a.shape().equals(to) ? a : op(Op.RESHAPE, new Attr.To(to), a);
    }

    Value broadcast(Value a, Shape to) {
        return a.shape().equals(to) ? a : op(Op.BROADCAST, new Attr.To(to), a);
    }

    Value transpose2d(Value a) {
        return op(Op.TRANSPOSE, new Attr.Perm(List.of(1, 0)), a);
    }

    Value sum(Value a, List<Integer> axes, boolean keepDims) {
        return op(Op.SUM, new Attr.Axes(axes, keepDims), a);
    }

    /**
     * Sums a gradient of a broadcast result back to the shape of the operand that was broadcast: over the
     * leading axes the operand lacks and the axes where it has size 1, then reshapes.
     */
    Value sumTo(Value g, Shape target) {
        Shape s = g.shape();
        if (s.equals(target)) {
            return g;
        }
        int lead = s.rank() - target.rank();
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) {
            if (i < lead || (target.dim(i - lead) == 1 && s.dim(i) != 1)) {
                axes.add(i);
            }
        }
        Value summed = axes.isEmpty() ? g : sum(g, axes, false);
        return reshape(summed, target);
    }
}
