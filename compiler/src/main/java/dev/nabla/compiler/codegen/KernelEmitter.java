package dev.nabla.compiler.codegen;

import dev.nabla.compiler.lower.Buf;
import dev.nabla.compiler.lower.Expr;
import dev.nabla.compiler.lower.Index;
import dev.nabla.compiler.lower.Kernel;
import dev.nabla.compiler.lower.Local;
import dev.nabla.compiler.lower.LoopVar;
import dev.nabla.compiler.lower.Size;
import dev.nabla.compiler.lower.Stmt;
import dev.nabla.runtime.kernels.Gemm;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.GeneratorAdapter;
import org.objectweb.asm.commons.Method;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Emits one kernel as a static method {@code (float[][] buffers, int batch, float[] hyper)} of plain scalar
 * loops: one short method per loop-IR construct. {@link VectorKernelEmitter} overrides the innermost loops.
 */
class KernelEmitter {

    static final Method KERNEL = Method.getMethod("void k (float[][], int, float[])");
    static final String KERNEL_DESC = KERNEL.getDescriptor();
    private static final Type MATH = Type.getType(Math.class);
    private static final Type GEMM = Type.getType(Gemm.class);
    static final Type FLOATS = Type.getType(float[].class);

    protected final GeneratorAdapter ga;
    private final Map<Integer, Integer> bufLocals = new HashMap<>();
    protected final Map<LoopVar, Integer> varLocals = new HashMap<>();
    protected final Map<Local, Integer> scalarLocals = new HashMap<>();

    KernelEmitter(ClassVisitor cv, String methodName) {
        this.ga = new GeneratorAdapter(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC,
                new Method(methodName, KERNEL_DESC), null, null, cv);
    }

    /** Emits the whole method: buffer locals, statements, return; the line is the model source line. */
    final void emit(Kernel k) {
        ga.visitCode();
        Label start = ga.mark();
        if (k.span().line() > 0) {
            ga.visitLineNumber(k.span().line(), start);
        }
        Set<Buf> bufs = new LinkedHashSet<>();
        BufferUse.collect(k.body(), bufs);
        for (Buf b : bufs) {
            if (b.index() >= 0) {
                ga.loadArg(0);
                ga.push(b.index());
                ga.arrayLoad(FLOATS);
                int local = ga.newLocal(FLOATS);
                ga.storeLocal(local);
                bufLocals.put(b.index(), local);
            }
        }
        stmts(k.body());
        ga.returnValue();
        ga.endMethod();
    }

    final void stmts(List<Stmt> body) {
        body.forEach(this::stmt);
    }

    void stmt(Stmt s) {
        if (s instanceof Stmt.For f) {
            loop(f);
        } else if (s instanceof Stmt.Store st) {
            store(st);
        } else if (s instanceof Stmt.Let let) {
            expr(let.value());
            ga.storeLocal(scalarLocal(let.local()));
        } else if (s instanceof Stmt.AccInit init) {
            ga.push(init.value());
            ga.storeLocal(scalarLocal(init.acc()));
        } else if (s instanceof Stmt.Accum acc) {
            accumulate(acc);
        } else if (s instanceof Stmt.GemmCall g) {
            gemm(g);
        }
    }

    int scalarLocal(Local l) {
        return scalarLocals.computeIfAbsent(l, x -> ga.newLocal(x.accumulator() ? Type.DOUBLE_TYPE : Type.FLOAT_TYPE));
    }

    /** {@code for (v = 0; v < extent; v++)}. */
    void loop(Stmt.For f) {
        int v = varLocal(f.var());
        int limit = ga.newLocal(Type.INT_TYPE);
        size(f.extent());
        ga.storeLocal(limit);
        ga.push(0);
        ga.storeLocal(v);
        scalarLoop(f, v, limit);
    }

    /** The loop from the current value of {@code v} up to {@code limit}. */
    final void scalarLoop(Stmt.For f, int v, int limit) {
        Label top = ga.mark();
        Label end = ga.newLabel();
        ga.loadLocal(v);
        ga.loadLocal(limit);
        ga.ifICmp(GeneratorAdapter.GE, end);
        stmts(f.body());
        ga.iinc(v, 1);
        ga.goTo(top);
        ga.mark(end);
    }

    final int varLocal(LoopVar v) {
        return varLocals.computeIfAbsent(v, x -> ga.newLocal(Type.INT_TYPE));
    }

    void store(Stmt.Store s) {
        loadBuf(s.buf());
        index(s.index());
        expr(s.value());
        ga.arrayStore(Type.FLOAT_TYPE);
    }

    void accumulate(Stmt.Accum a) {
        int local = scalarLocal(a.acc());
        ga.loadLocal(local);
        expr(a.value());
        ga.cast(Type.FLOAT_TYPE, Type.DOUBLE_TYPE);
        if (a.op() == Stmt.AccOp.SUM) {
            ga.math(GeneratorAdapter.ADD, Type.DOUBLE_TYPE);
        } else {
            ga.invokeStatic(MATH, Method.getMethod("double max (double, double)"));
        }
        ga.storeLocal(local);
    }

    void gemm(Stmt.GemmCall g) {
        boolean epilogue = g.bias() != null || g.act() != Gemm.ACT_NONE;
        if (!epilogue) {
            ga.push(g.transA());
        }
        ga.push(g.transB());
        size(g.m());
        size(g.n());
        size(g.k());
        loadBuf(g.a());
        ga.push(0);
        loadBuf(g.b());
        ga.push(0);
        loadBuf(g.c());
        ga.push(0);
        if (epilogue) {
            if (g.bias() == null) {
                ga.visitInsn(Opcodes.ACONST_NULL);
            } else {
                loadBuf(g.bias());
            }
            ga.push(0);
            ga.push(g.act());
            ga.invokeStatic(GEMM, Method.getMethod(
                    "void gemmBiasAct (boolean, int, int, int, float[], int, float[], int, float[], int, float[], int, int)"));
        } else {
            ga.push(g.accumulate());
            ga.invokeStatic(GEMM, Method.getMethod(
                    "void gemm (boolean, boolean, int, int, int, float[], int, float[], int, float[], int, boolean)"));
        }
    }

    final void loadBuf(Buf b) {
        if (b.index() < 0) {
            ga.loadArg(2);
        } else {
            ga.loadLocal(bufLocals.get(b.index()));
        }
    }

    /** Pushes an int size: the constant, times {@code batch} when batched. */
    final void size(Size s) {
        ga.push(s.c());
        if (s.batch()) {
            ga.loadArg(1);
            ga.math(GeneratorAdapter.MUL, Type.INT_TYPE);
        }
    }

    /** Pushes an affine index. */
    final void index(Index ix) {
        ga.push(ix.constant());
        ix.terms().forEach((v, coef) -> {
            ga.loadLocal(varLocal(v));
            if (!coef.isOne()) {
                size(coef);
                ga.math(GeneratorAdapter.MUL, Type.INT_TYPE);
            }
            ga.math(GeneratorAdapter.ADD, Type.INT_TYPE);
        });
    }

    /** Pushes a float expression. */
    final void expr(Expr e) {
        ScalarExprEmitter.emit(this, e);
    }

    /** Pushes a float local (a double accumulator narrowed). */
    final void readLocal(Local l) {
        ga.loadLocal(scalarLocal(l));
        if (l.accumulator()) {
            ga.cast(Type.DOUBLE_TYPE, Type.FLOAT_TYPE);
        }
    }
}
