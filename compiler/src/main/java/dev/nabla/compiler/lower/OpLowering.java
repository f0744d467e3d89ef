package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Instr;

import java.util.List;

/** How one op becomes loop IR: as an expression inside a consumer's loop nest, or as its own statements. */
interface OpLowering {

    /** Whether a single elementwise use may compute this op inline, with no buffer for its result. */
    boolean inlinable();

    /** The result at per-axis indices {@code idx}, as an expression over the operands (inlinable ops only). */
    Expr at(Lowering l, Instr i, List<Index> idx);

    /** Statements writing the whole result into {@code out}. */
    default List<Stmt> materialize(Lowering l, Instr i, Buf out) {
        return l.elementwise(i.out().shape(), out, idx -> at(l, i, idx));
    }

    /** An op computed by its own statements only. */
    interface Materialized extends OpLowering {
        @Override
        default boolean inlinable() {
            return false;
        }

        @Override
        default Expr at(Lowering l, Instr i, List<Index> idx) {
            throw new IllegalStateException(i.op() + " is never inlined");
        }

        @Override
        List<Stmt> materialize(Lowering l, Instr i, Buf out);
    }

    /** An op that is an expression of its operands. */
    interface Inline extends OpLowering {
        @Override
        default boolean inlinable() {
            return true;
        }
    }
}
