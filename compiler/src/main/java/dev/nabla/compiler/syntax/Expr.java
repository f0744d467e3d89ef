package dev.nabla.compiler.syntax;

import dev.nabla.compiler.ir.Span;

import java.util.List;

/** An expression of the surface language, positioned where a reader would point at it (an operator at its symbol). */
public sealed interface Expr {

    Span span();

    record IntLit(Span span, long value) implements Expr {
    }

    record FloatLit(Span span, double value) implements Expr {
    }

    record StringLit(Span span, String value) implements Expr {
    }

    record BoolLit(Span span, boolean value) implements Expr {
    }

    /** The builtin boolean {@code training}: true while the training graph is built, false for inference. */
    record Training(Span span) implements Expr {
    }

    record ListLit(Span span, List<Expr> items) implements Expr {
        public ListLit {
            items = List.copyOf(items);
        }
    }

    record Name(Span span, String name) implements Expr {
    }

    record Neg(Span span, Expr operand) implements Expr {
    }

    /** {@code op} is the operator's text: + - * / @ > < ==. */
    record Binary(Span span, String op, Expr left, Expr right) implements Expr {
    }

    record Call(Span span, Expr callee, List<Arg> args) implements Expr {
        public Call {
            args = List.copyOf(args);
        }
    }

    /** {@code target[items]}: indexing and slicing, one item per leading axis. */
    record Index(Span span, Expr target, List<Slice> items) implements Expr {
        public Index {
            items = List.copyOf(items);
        }
    }

    /**
     * One axis of an index: a single position ({@code point}, dropping the axis) or a range {@code from:to}
     * (keeping it), whose missing ends are null (the start, the end).
     */
    record Slice(Span span, Expr point, Expr from, Expr to) {
        public boolean range() {
            return point == null;
        }
    }

    /** A call argument; {@code name} is null for a positional one. */
    record Arg(Span span, String name, Expr value) {
    }
}
