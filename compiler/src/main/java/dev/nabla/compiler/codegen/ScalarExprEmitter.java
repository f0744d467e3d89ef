package dev.nabla.compiler.codegen;

import dev.nabla.compiler.lower.Expr;
import org.objectweb.asm.Label;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.GeneratorAdapter;
import org.objectweb.asm.commons.Method;

/** Emits scalar float expressions; transcendental functions go through {@link Math} in double. */
final class ScalarExprEmitter {

    private static final Type MATH = Type.getType(Math.class);
    private static final Type F = Type.FLOAT_TYPE;
    private static final Type D = Type.DOUBLE_TYPE;

    private ScalarExprEmitter() {
    }

    static void emit(KernelEmitter k, Expr e) {
        GeneratorAdapter ga = k.ga;
        if (e instanceof Expr.Load l) {
            k.loadBuf(l.buf());
            k.index(l.index());
            ga.arrayLoad(F);
        } else if (e instanceof Expr.Const c) {
            ga.push(c.value());
        } else if (e instanceof Expr.IndexValue iv) {
            k.index(iv.index());
            ga.cast(Type.INT_TYPE, F);
        } else if (e instanceof Expr.SizeValue sv) {
            k.size(sv.size());
            ga.cast(Type.INT_TYPE, F);
        } else if (e instanceof Expr.Read r) {
            k.readLocal(r.local());
        } else if (e instanceof Expr.Unary u) {
            unary(k, u);
        } else if (e instanceof Expr.Binary b) {
            binary(k, b);
        } else if (e instanceof Expr.Select s) {
            select(k, s);
        }
    }

    private static void unary(KernelEmitter k, Expr.Unary u) {
        GeneratorAdapter ga = k.ga;
        if (u.op() == Expr.UnOp.SIGMOID) {
            ga.push(1.0);
            emit(k, u.a());
            ga.cast(F, D);
            ga.math(GeneratorAdapter.NEG, D);
            ga.invokeStatic(MATH, Method.getMethod("double exp (double)"));
            ga.push(1.0);
            ga.math(GeneratorAdapter.ADD, D);
            ga.math(GeneratorAdapter.DIV, D);
            ga.cast(D, F);
            return;
        }
        emit(k, u.a());
        switch (u.op()) {
            case NEG -> ga.math(GeneratorAdapter.NEG, F);
            case ABS -> ga.invokeStatic(MATH, Method.getMethod("float abs (float)"));
            case SIGN -> ga.invokeStatic(MATH, Method.getMethod("float signum (float)"));
            case RELU -> {
                ga.push(0f);
                ga.invokeStatic(MATH, Method.getMethod("float max (float, float)"));
            }
            default -> {
                ga.cast(F, D);
                ga.invokeStatic(MATH, Method.getMethod("double " + u.op().name().toLowerCase() + " (double)"));
                ga.cast(D, F);
            }
        }
    }

    private static void binary(KernelEmitter k, Expr.Binary b) {
        GeneratorAdapter ga = k.ga;
        if (b.op() == Expr.BinOp.POW) {
            emit(k, b.a());
            ga.cast(F, D);
            emit(k, b.b());
            ga.cast(F, D);
            ga.invokeStatic(MATH, Method.getMethod("double pow (double, double)"));
            ga.cast(D, F);
            return;
        }
        emit(k, b.a());
        emit(k, b.b());
        switch (b.op()) {
            case ADD -> ga.math(GeneratorAdapter.ADD, F);
            case SUB -> ga.math(GeneratorAdapter.SUB, F);
            case MUL -> ga.math(GeneratorAdapter.MUL, F);
            case DIV -> ga.math(GeneratorAdapter.DIV, F);
            case MAX -> ga.invokeStatic(MATH, Method.getMethod("float max (float, float)"));
            case MIN -> ga.invokeStatic(MATH, Method.getMethod("float min (float, float)"));
            case GREATER -> compare(ga, GeneratorAdapter.GT);
            case EQUAL -> compare(ga, GeneratorAdapter.EQ);
            default -> throw new IllegalStateException(b.op().name());
        }
    }

    /** Two floats on the stack to 1.0 when {@code a mode b}, else 0.0. */
    private static void compare(GeneratorAdapter ga, int mode) {
        Label yes = ga.newLabel();
        Label end = ga.newLabel();
        ga.ifCmp(F, mode, yes);
        ga.push(0f);
        ga.goTo(end);
        ga.mark(yes);
        ga.push(1f);
        ga.mark(end);
    }

    private static void select(KernelEmitter k, Expr.Select s) {
        GeneratorAdapter ga = k.ga;
        Label otherwise = ga.newLabel();
        Label end = ga.newLabel();
        emit(k, s.cond());
        ga.push(0f);
        ga.ifCmp(F, GeneratorAdapter.EQ, otherwise);
        emit(k, s.a());
        ga.goTo(end);
        ga.mark(otherwise);
        emit(k, s.b());
        ga.mark(end);
    }
}
