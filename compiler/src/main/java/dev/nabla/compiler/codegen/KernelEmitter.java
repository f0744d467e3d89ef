package dev.nabla.compiler.codegen;

import dev.nabla.compiler.lower.Buf;
import dev.nabla.compiler.lower.BufferAccess;
import dev.nabla.compiler.lower.Expr;
import dev.nabla.compiler.lower.Index;
import dev.nabla.compiler.lower.Kernel;
import dev.nabla.compiler.lower.Local;
import dev.nabla.compiler.lower.ParallelLoop;
import dev.nabla.compiler.lower.LoopVar;
import dev.nabla.compiler.lower.Size;
import dev.nabla.compiler.lower.Stmt;
import dev.nabla.runtime.kernels.Gemm;
import dev.nabla.runtime.kernels.Parallel;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.GeneratorAdapter;
import org.objectweb.asm.commons.Method;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Emits one kernel as a static method {@code (float[][] buffers, int batch, float[] hyper)} of plain scalar
 * loops: one short method per loop-IR construct. {@link VectorKernelEmitter} overrides the innermost loops.
 */
class KernelEmitter {

    static final Method KERNEL = Method.getMethod("void k (float[][], int, float[])");
    static final String KERNEL_DESC = KERNEL.getDescriptor();
    /**
     * A kernel method other kernels share ({@link KernelTemplates}): the kernel's arguments, then the spec index of each
     * buffer it loads, in the order of {@link BufferAccess#indices}.
     */
    static final Method SHARED_KERNEL = Method.getMethod("void k (float[][], int, float[], int[])");
    private static final Type MATH = Type.getType(Math.class);
    private static final Type GEMM = Type.getType(Gemm.class);
    static final Type FLOATS = Type.getType(float[].class);
    private static final Type SLOTS = Type.getType(int[].class);

    /** A parallel loop's body over {@code [from, to)}: the kernel's arguments, then from and to. */
    static final Method RANGE = Method.getMethod("void r (float[][], int, float[], int, int)");
    private static final Type PARALLEL = Type.getType(Parallel.class);
    private static final Type BODY = Type.getType(Parallel.Body.class);
    private static final String BODY_FACTORY = Type.getMethodDescriptor(BODY);
    /** A shared reduction's body over {@code [from, to)}: the kernel's arguments, then from and to; its result. */
    static final Method REDUCTION_RANGE = Method.getMethod("double r (float[][], int, float[], int, int)");
    private static final Type REDUCTION = Type.getType(Parallel.Reduction.class);
    private static final String REDUCTION_FACTORY = Type.getMethodDescriptor(REDUCTION);
    /** The range methods of a shared kernel method: the slots after hyper, as {@link #SHARED_KERNEL} takes them. */
    static final Method SLOTTED_RANGE = Method.getMethod("void r (float[][], int, float[], int[], int, int)");
    private static final String SLOTTED_BODY_FACTORY = Type.getMethodDescriptor(Type.getType(Parallel.SlottedBody.class));
    static final Method SLOTTED_REDUCTION_RANGE = Method.getMethod("double r (float[][], int, float[], int[], int, int)");
    private static final String SLOTTED_REDUCTION_FACTORY =
            Type.getMethodDescriptor(Type.getType(Parallel.SlottedReduction.class));

    private static final Handle METAFACTORY = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/LambdaMetafactory",
            "metafactory", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
            + "Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)"
            + "Ljava/lang/invoke/CallSite;", false);
    /** Parallel loops that the vector emitter vectorizes are cut at multiples of this (any species' lane count). */
    private static final int VECTOR_ALIGN = 64;

    protected final GeneratorAdapter ga;
    private final ClassVisitor cv;
    private final String owner;
    private final String methodName;
    /**
     * Whether the method takes its buffers' indices as its fourth argument: a shared kernel method
     * ({@link #SHARED_KERNEL}) or one of its range methods ({@link #SLOTTED_RANGE}, {@link #SLOTTED_REDUCTION_RANGE}).
     */
    private final boolean slotted;
    private final Map<Integer, Integer> bufLocals = new HashMap<>();
    protected final Map<LoopVar, Integer> varLocals = new HashMap<>();
    protected final Map<Local, Integer> scalarLocals = new HashMap<>();
    /** {@link Vectorizable#work} of the kernel being emitted: how often each loop's body runs per call. */
    private Map<Stmt.For, Long> work = Map.of();

    KernelEmitter(ClassVisitor cv, String owner, String methodName) {
        this(cv, owner, methodName, KERNEL);
    }

    KernelEmitter(ClassVisitor cv, String owner, String methodName, Method signature) {
        this.cv = cv;
        this.owner = owner;
        this.methodName = methodName;
        Type[] params = signature.getArgumentTypes();
        this.slotted = params.length > 3 && params[3].equals(SLOTS);
        this.ga = new GeneratorAdapter(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC,
                new Method(methodName, signature.getDescriptor()), null, null, cv);
    }

    final ClassVisitor cv() {
        return cv;
    }

    final String owner() {
        return owner;
    }

    /** An emitter of the same family for another method of the same class. */
    KernelEmitter sibling(String name, Method signature) {
        return new KernelEmitter(cv, owner, name, signature);
    }

    /**
     * Emits the whole method: buffer locals, statements, return; the line is the model source line. A top-level
     * loop that {@link ParallelLoop} accepts becomes a method of its own over a range of its iterations, run
     * through {@link Parallel#forRange}. {@code parallel} is {@link ParallelLoop#qualifying} of its body, decided
     * once for both families. A top-level reduction that {@link ParallelLoop#reduction} accepts becomes a method over
     * a range returning that range's result, run through {@link Parallel#reduce}.
     */
    final void emit(Kernel k, boolean[] parallel) {
        work = Vectorizable.work(k.body());
        begin(k, k.body());
        for (int i = 0; i < k.body().size(); i++) {
            ParallelLoop.Reduction r;
            if (parallel[i]) {
                parallel(k, i, (Stmt.For) k.body().get(i));
            } else if ((r = ParallelLoop.reduction(k.body(), i)) != null) {
                reduction(k, i, (Stmt.For) k.body().get(i), r);
            } else {
                stmt(k.body().get(i));
            }
        }
        ga.returnValue();
        ga.endMethod();
    }

    /**
     * A range method: the lets before the loop, recomputed; for a reduction ({@code accInit} not null) its accumulator
     * set to the identity; the loop from argument 3 to argument 4; for a reduction, the accumulator returned.
     */
    private void emitRange(Kernel k, List<Stmt> prelude, Stmt.For f, Stmt.AccInit accInit) {
        List<Stmt> all = new ArrayList<>(prelude);
        all.add(f);
        begin(k, all);
        stmts(prelude);
        if (accInit != null) {
            stmt(accInit);
        }
        int from = slotted ? 4 : 3; // the range's bounds follow the slots of a shared kernel method
        loop(f, () -> ga.loadArg(from), () -> ga.loadArg(from + 1));
        if (accInit != null) {
            ga.loadLocal(scalarLocal(accInit.acc()));
        }
        ga.returnValue();
        ga.endMethod();
    }

    /** {@code acc = Parallel.reduce(range method, ...)}, the accumulator initialised just before to the identity. */
    private void reduction(Kernel k, int position, Stmt.For f, ParallelLoop.Reduction r) {
        String range = methodName + "$" + position;
        Method signature = slotted ? SLOTTED_REDUCTION_RANGE : REDUCTION_RANGE;
        KernelEmitter body = sibling(range, signature);
        body.work = work;
        body.emitRange(k, ParallelLoop.prelude(k.body(), position), f, (Stmt.AccInit) k.body().get(position - 1));
        rangeArguments(range, slotted ? SLOTTED_REDUCTION_FACTORY : REDUCTION_FACTORY, signature, f);
        ga.push(r.op() == Stmt.AccOp.MAX);
        ga.push(r.writes());
        ga.invokeStatic(PARALLEL, Methods.of(slotted
                ? "double reduce (dev.nabla.runtime.kernels.Parallel$SlottedReduction, float[][], int, float[], int[], "
                        + "int, int, int, boolean, boolean)"
                : "double reduce (dev.nabla.runtime.kernels.Parallel$Reduction, float[][], int, float[], int, int, int, "
                        + "boolean, boolean)"));
        ga.storeLocal(scalarLocal(r.acc()));
    }

    private void parallel(Kernel k, int position, Stmt.For f) {
        String range = methodName + "$" + position;
        Method signature = slotted ? SLOTTED_RANGE : RANGE;
        KernelEmitter body = sibling(range, signature);
        body.work = work;
        body.emitRange(k, ParallelLoop.prelude(k.body(), position), f, null);
        rangeArguments(range, slotted ? SLOTTED_BODY_FACTORY : BODY_FACTORY, signature, f);
        ga.invokeStatic(PARALLEL, Methods.of(slotted
                ? "void forRange (dev.nabla.runtime.kernels.Parallel$SlottedBody, float[][], int, float[], int[], int, "
                        + "int, int)"
                : "void forRange (dev.nabla.runtime.kernels.Parallel$Body, float[][], int, float[], int, int, int)"));
    }

    /**
     * Pushes what {@code Parallel.forRange} and {@code Parallel.reduce} take first: the range method {@code range} as
     * the functional interface {@code factory} makes (a non-capturing lambda, no allocation), the kernel's buffers,
     * batch and hyper, the loop's extent, its cut alignment and its elements per iteration.
     */
    private void rangeArguments(String range, String factory, Method rangeMethod, Stmt.For f) {
        Type type = Type.getMethodType(rangeMethod.getDescriptor());
        ga.invokeDynamic("run", factory, METAFACTORY, type,
                new Handle(Opcodes.H_INVOKESTATIC, owner, range, rangeMethod.getDescriptor(), false), type);
        ga.loadArg(0);
        ga.loadArg(1);
        ga.loadArg(2);
        if (slotted) {
            ga.loadArg(3);
        }
        size(f.extent());
        ga.push(vectorizes(f) ? VECTOR_ALIGN : 1);
        ga.push(ParallelLoop.elementsPerIteration(f));
    }

    /** Starts the method: line number, one local per buffer {@code body} touches. */
    private void begin(Kernel k, List<Stmt> body) {
        ga.visitCode();
        Label start = ga.mark();
        if (k.span().line() > 0) {
            ga.visitLineNumber(k.span().line(), start);
        }
        // A shared method's slots follow the whole kernel's buffers, also in a range method, whose loop may touch
        // only some of them, in another order.
        List<Integer> slots = slotted ? Arrays.stream(BufferAccess.indices(k.body())).boxed().toList() : List.of();
        for (int index : BufferAccess.indices(body)) {
            ga.loadArg(0);
            if (slotted) {
                ga.loadArg(3);
                ga.push(slots.indexOf(index));
                ga.arrayLoad(Type.INT_TYPE);
            } else {
                ga.push(index);
            }
            ga.arrayLoad(FLOATS);
            int local = ga.newLocal(FLOATS);
            ga.storeLocal(local);
            bufLocals.put(index, local);
        }
    }

    /**
     * Whether the vector emitter takes loop {@code f} ({@link Vectorizable#loop}); a loop outside the kernel's body
     * counts as busy.
     */
    final boolean vectorizes(Stmt.For f) {
        return Vectorizable.loop(f, work.getOrDefault(f, Long.MAX_VALUE));
    }

    final void stmts(List<Stmt> body) {
        body.forEach(this::stmt);
    }

    void stmt(Stmt s) {
        switch (s.kind()) {
            case FOR -> loop((Stmt.For) s);
            case STORE -> store((Stmt.Store) s);
            case LET -> {
                Stmt.Let let = (Stmt.Let) s;
                expr(let.value());
                ga.storeLocal(scalarLocal(let.local()));
            }
            case ACC_INIT -> {
                Stmt.AccInit init = (Stmt.AccInit) s;
                ga.push(init.value());
                ga.storeLocal(scalarLocal(init.acc()));
            }
            case ACCUM -> accumulate((Stmt.Accum) s);
            case GEMM -> gemm((Stmt.GemmCall) s);
            case CALL -> call((Stmt.Call) s);
        }
    }

    /** {@code owner.method(args)}: ints and float arrays, pushed in order; the descriptor follows from them. */
    void call(Stmt.Call c) {
        List<Type> params = new ArrayList<>();
        for (Stmt.Arg a : c.args()) {
            if (a instanceof Stmt.Arg.Int i) {
                size(i.size());
                params.add(Type.INT_TYPE);
            } else {
                Buf b = ((Stmt.Arg.Floats) a).buf();
                if (b == null) {
                    ga.visitInsn(Opcodes.ACONST_NULL);
                } else {
                    loadBuf(b);
                }
                params.add(FLOATS);
            }
        }
        ga.invokeStatic(Type.getObjectType(c.owner().replace('.', '/')), new Method(c.method(), Type.VOID_TYPE, params.toArray(Type[]::new)));
    }

    int scalarLocal(Local l) {
        return scalarLocals.computeIfAbsent(l, x -> ga.newLocal(x.accumulator() ? Type.DOUBLE_TYPE : Type.FLOAT_TYPE));
    }

    /** {@code for (v = 0; v < extent; v++)}. */
    final void loop(Stmt.For f) {
        loop(f, () -> ga.push(0), () -> size(f.extent()));
    }

    /** {@code for (v = start; v < limit; v++)}, {@code start} and {@code limit} pushing ints. */
    void loop(Stmt.For f, Runnable start, Runnable limit) {
        int v = varLocal(f.var());
        int end = ga.newLocal(Type.INT_TYPE);
        limit.run();
        ga.storeLocal(end);
        start.run();
        ga.storeLocal(v);
        scalarLoop(f, v, end);
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
            ga.invokeStatic(MATH, Methods.of("double max (double, double)"));
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
            ga.invokeStatic(GEMM, Methods.of(
                    "void gemmBiasAct (boolean, int, int, int, float[], int, float[], int, float[], int, float[], int, int)"));
        } else {
            ga.push(g.accumulate());
            ga.invokeStatic(GEMM, Methods.of(
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
