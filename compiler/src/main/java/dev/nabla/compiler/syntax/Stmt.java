package dev.nabla.compiler.syntax;

import dev.nabla.compiler.ir.Span;

import java.util.List;

/** A statement in a model or definition body. {@code span} points at the declared name where there is one. */
public sealed interface Stmt {

    Span span();

    /** One dimension of a declared input or target type: a constant, or a symbolic name (the batch). */
    record Dim(Span span, String symbol, int size) {
        public boolean symbolic() {
            return symbol != null;
        }
    }

    record TypeRef(Span span, String dtype, List<Dim> dims) {
        public TypeRef {
            dims = List.copyOf(dims);
        }
    }

    record Input(Span span, String name, TypeRef type) implements Stmt {
    }

    /** {@code classes} is null when not given; {@code binary}: declared {@code binary} (then classes is null). */
    record Target(Span span, String name, TypeRef type, Integer classes, Span classesSpan, boolean binary) implements Stmt {
    }

    record Param(Span span, String name, Expr.ListLit shape, Expr init) implements Stmt {
    }

    /** {@code state NAME : [dims] = INIT}: a buffer training updates (with 'update') and gradients never touch. */
    record State(Span span, String name, Expr.ListLit shape, Expr init) implements Stmt {
    }

    /** {@code update NAME = EXPR}: the state's value after a training step; part of the training graph only. */
    record Update(Span span, String name, Expr value) implements Stmt {
    }

    record Let(Span span, String name, Expr value) implements Stmt {
    }

    record Output(Span span, String name, Expr value) implements Stmt {
    }

    record Loss(Span span, Expr value) implements Stmt {
    }

    record Return(Span span, Expr value) implements Stmt {
    }

    /** {@code if cond { ... } else { ... }} with a condition known at compile time; {@code otherwise} may be empty. */
    record If(Span span, Expr condition, List<Stmt> then, List<Stmt> otherwise) implements Stmt {
        public If {
            then = List.copyOf(then);
            otherwise = List.copyOf(otherwise);
        }
    }

    record Train(Span span, List<Entry> entries) implements Stmt {
        public Train {
            entries = List.copyOf(entries);
        }
    }

    record Entry(Span span, String key, Expr value) {
    }
}
