package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.lower.Expr;
import dev.nabla.runtime.kernels.Erf;
import dev.nabla.runtime.kernels.RandomStream;
import org.objectweb.asm.Label;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.GeneratorAdapter;
import org.objectweb.asm.commons.Method;

/**
 * Emits scalar float expressions; transcendental functions go through {@link Math} in double, erf through the
 * runtime's {@link Erf} (Math has none), random draws through the runtime's {@link RandomStream}.
 */
final class ScalarExprEmitter {

    private static final Type MATH = Type.getType(Math.class);
    private static final Type F = Type.FLOAT_TYPE;
    private static final Type D = Type.DOUBLE_TYPE;

    private ScalarExprEmitter() {
    }

    static void emit(KernelEmitter k, Expr e) {
        GeneratorAdapter ga = k.ga;
        switch (e.kind()) {
            case LOAD -> {
                Expr.Load l = (Expr.Load) e;
                k.loadBuf(l.buf());
                k.index(l.index());
                ga.arrayLoad(F);
            }
            case CONST -> ga.push(((Expr.Const) e).value());
            case INDEX_VALUE -> {
                k.index(((Expr.IndexValue) e).index());
                ga.cast(Type.INT_TYPE, F);
            }
            case SIZE_VALUE -> {
                k.size(((Expr.SizeValue) e).size());
                ga.cast(Type.INT_TYPE, F);
            }
            case READ -> k.readLocal(((Expr.Read) e).local());
            case UNARY -> unary(k, (Expr.Unary) e);
            case BINARY -> binary(k, (Expr.Binary) e);
            case SELECT -> select(k, (Expr.Select) e);
            case RANDOM -> {
                Expr.Random r = (Expr.Random) e;
                emit(k, r.seed());
                emit(k, r.step());
                ga.push(r.stream());
                k.index(r.index());
                String method = r.op() == Op.RANDOM_NORMAL ? "normal" : "uniform";
                ga.invokeStatic(Type.getType(RandomStream.class), Methods.of("float " + method + " (float, float, int, int)"));
            }
        }
    }

    private static void unary(KernelEmitter k, Expr.Unary u) {
        GeneratorAdapter ga = k.ga;
        if (u.op() == Op.SIGMOID) {
            ga.push(1.0);
            emit(k, u.a());
            ga.cast(F, D);
            ga.math(GeneratorAdapter.NEG, D);
            ga.invokeStatic(MATH, Methods.of("double exp (double)"));
            ga.push(1.0);
            ga.math(GeneratorAdapter.ADD, D);
            ga.math(GeneratorAdapter.DIV, D);
            ga.cast(D, F);
            return;
        }
        emit(k, u.a());
        switch (u.op()) {
            case NEG -> ga.math(GeneratorAdapter.NEG, F);
            case ABS -> ga.invokeStatic(MATH, Methods.of("float abs (float)"));
            case SIGN -> ga.invokeStatic(MATH, Methods.of("float signum (float)"));
            case RELU -> {
                ga.push(0f);
                ga.invokeStatic(MATH, Methods.of("float max (float, float)"));
            }
            case ERF -> ga.invokeStatic(Type.getType(Erf.class), Methods.of("float erf (float)"));
            case EXP, LOG, SQRT, TANH, EXPM1, LOG1P -> {
                ga.cast(F, D);
                ga.invokeStatic(MATH, Methods.of("double " + u.op().mnemonic() + " (double)"));
                ga.cast(D, F);
            }
            default -> throw new IllegalStateException("no scalar code for unary " + u.op());
        }
    }

    private static void binary(KernelEmitter k, Expr.Binary b) {
        GeneratorAdapter ga = k.ga;
        if (b.op() == Op.POW) {
            emit(k, b.a());
            ga.cast(F, D);
            emit(k, b.b());
            ga.cast(F, D);
            ga.invokeStatic(MATH, Methods.of("double pow (double, double)"));
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
            case MAXIMUM -> ga.invokeStatic(MATH, Methods.of("float max (float, float)"));
            case MINIMUM -> ga.invokeStatic(MATH, Methods.of("float min (float, float)"));
            case GREATER -> compare(ga, GeneratorAdapter.GT);
            case EQUAL -> compare(ga, GeneratorAdapter.EQ);
            default -> throw new IllegalStateException("no scalar code for binary " + b.op());
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
