package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.lower.Expr;
import dev.nabla.compiler.lower.Local;
import dev.nabla.compiler.lower.LoopVar;
import dev.nabla.compiler.lower.Stmt;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.GeneratorAdapter;
import org.objectweb.asm.commons.Method;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Emits innermost loops that qualify ({@link Vectorizable}) with {@code jdk.incubator.vector.FloatVector}
 * of the preferred species, followed by the scalar loop as the tail; everything else as {@link KernelEmitter}.
 * Loop-local {@code Let}s become vector locals; accumulators get a vector of partial results reduced after
 * the vector part. Only the classes of the vector family are emitted with this.
 */
final class VectorKernelEmitter extends KernelEmitter {

    static final String PKG = "jdk/incubator/vector/";
    static final Type FV = Type.getObjectType(PKG + "FloatVector");
    private static final Type SPECIES = Type.getObjectType(PKG + "VectorSpecies");
    static final Type VEC = Type.getObjectType(PKG + "Vector");
    static final Type MASK = Type.getObjectType(PKG + "VectorMask");
    static final Type OPS = Type.getObjectType(PKG + "VectorOperators");
    private static final Type UNARY = Type.getObjectType(PKG + "VectorOperators$Unary");
    static final Type BINARY = Type.getObjectType(PKG + "VectorOperators$Binary");
    private static final Type ASSOC = Type.getObjectType(PKG + "VectorOperators$Associative");
    static final Type COMPARISON = Type.getObjectType(PKG + "VectorOperators$Comparison");

    private final Map<Local, Integer> vectorLets = new HashMap<>();
    private LoopVar vectorVar;

    VectorKernelEmitter(ClassVisitor cv, String owner, String methodName) {
        super(cv, owner, methodName);
    }

    VectorKernelEmitter(ClassVisitor cv, String owner, String methodName, Method signature) {
        super(cv, owner, methodName, signature);
    }

    @Override
    KernelEmitter sibling(String name, Method signature) {
        return new VectorKernelEmitter(cv(), owner(), name, signature);
    }

    /**
     * {@code for (v = start; v < bound; v += lanes) vector body; reduce partials; for (; v < limit; v++) scalar
     * body} with {@code bound = start + loopBound(limit - start)}.
     */
    @Override
    void loop(Stmt.For f, Runnable start, Runnable end) {
        if (!vectorizes(f)) {
            super.loop(f, start, end);
            return;
        }
        int v = varLocal(f.var());
        int limit = ga.newLocal(Type.INT_TYPE);
        end.run();
        ga.storeLocal(limit);
        start.run();
        ga.storeLocal(v);
        int span = ga.newLocal(Type.INT_TYPE);
        ga.loadLocal(limit);
        ga.loadLocal(v);
        ga.math(GeneratorAdapter.SUB, Type.INT_TYPE);
        ga.storeLocal(span);
        int bound = speciesInt("loopBound", span);
        ga.loadLocal(bound);
        ga.loadLocal(v);
        ga.math(GeneratorAdapter.ADD, Type.INT_TYPE);
        ga.storeLocal(bound);
        int lanes = speciesInt("length", -1);
        Map<Stmt.Accum, int[]> partials = startPartials(f);
        Label top = ga.mark();
        Label tail = ga.newLabel();
        ga.loadLocal(v);
        ga.loadLocal(bound);
        ga.ifICmp(GeneratorAdapter.GE, tail);
        vectorVar = f.var();
        f.body().forEach(s -> vectorStmt(s, partials));
        vectorVar = null;
        vectorLets.clear();
        ga.loadLocal(v);
        ga.loadLocal(lanes);
        ga.math(GeneratorAdapter.ADD, Type.INT_TYPE);
        ga.storeLocal(v);
        ga.goTo(top);
        ga.mark(tail);
        partials.forEach(this::reducePartial);
        scalarLoop(f, v, limit);
    }

    /** A new int local holding {@code SPECIES.loopBound(limit)} or {@code SPECIES.length()} (limit &lt; 0). */
    private int speciesInt(String method, int limit) {
        species();
        if (limit >= 0) {
            ga.loadLocal(limit);
            ga.invokeInterface(SPECIES, Methods.of("int " + method + " (int)"));
        } else {
            ga.invokeInterface(SPECIES, Methods.of("int " + method + " ()"));
        }
        int local = ga.newLocal(Type.INT_TYPE);
        ga.storeLocal(local);
        return local;
    }

    /**
     * The vectors of partial results of each accumulation in the loop ({@link #partialCount}), each starting at the
     * operation's identity.
     */
    private Map<Stmt.Accum, int[]> startPartials(Stmt.For f) {
        Map<Stmt.Accum, int[]> partials = new LinkedHashMap<>();
        int count = partialCount(f);
        for (Stmt s : f.body()) {
            if (s instanceof Stmt.Accum a) {
                int[] p = new int[count];
                for (int i = 0; i < count; i++) {
                    p[i] = ga.newLocal(FV);
                    broadcast(() -> ga.push(a.op() == Stmt.AccOp.SUM ? 0f : Float.NEGATIVE_INFINITY));
                    ga.storeLocal(p[i]);
                }
                partials.put(a, p);
            }
        }
        return partials;
    }

    /**
     * How many vectors of partial results an accumulation in {@code f} keeps: {@link #LONG_PARTIALS} where the loop
     * runs over the batch or at least {@link #LONG_TRIP} iterations, else one. One vector makes the loop a chain of
     * dependent adds, one per vector of input, each waiting for the last (3-4 cycles). The partials take turns (each
     * iteration adds into the first and moves the others down one), so each add waits for the one
     * {@link #LONG_PARTIALS} iterations back. W1's L2 term (sums of squares of 784 rows of 256 floats, written as
     * these loops) took 16 µs against 20 with one partial, standalone in one JVM with the weights in cache
     * (docs/benchmarks.md).
     */
    private static int partialCount(Stmt.For f) {
        return f.extent().batch() || f.extent().c() >= LONG_TRIP ? LONG_PARTIALS : 1;
    }

    /** Vectors of partial results for a long accumulation loop ({@link #partialCount}). */
    static final int LONG_PARTIALS = 4;

    /** The trip count from which an accumulation loop keeps {@link #LONG_PARTIALS} (four vectors of 16 lanes). */
    static final int LONG_TRIP = 64;

    private void vectorStmt(Stmt s, Map<Stmt.Accum, int[]> partials) {
        switch (s.kind()) {
            case STORE -> {
                Stmt.Store st = (Stmt.Store) s;
                vexpr(st.value());
                loadBuf(st.buf());
                index(st.index());
                ga.invokeVirtual(FV, Methods.of("void intoArray (float[], int)"));
            }
            case LET -> {
                Stmt.Let let = (Stmt.Let) s;
                vexpr(let.value());
                int local = ga.newLocal(FV);
                ga.storeLocal(local);
                vectorLets.put(let.local(), local);
            }
            case ACCUM -> {
                Stmt.Accum a = (Stmt.Accum) s;
                int[] p = partials.get(a);
                loadExact(p[0]);
                ga.getStatic(OPS, a.op() == Stmt.AccOp.SUM ? "ADD" : "MAX", ASSOC);
                vexpr(a.value());
                ga.invokeVirtual(FV, new Method("lanewise", FV, new Type[] {BINARY, VEC}));
                for (int i = 1; i < p.length; i++) {
                    ga.loadLocal(p[i]);
                    ga.storeLocal(p[i - 1]);
                }
                ga.storeLocal(p[p.length - 1]);
            }
            case FOR, ACC_INIT, GEMM, CALL -> throw new IllegalStateException("not vectorizable: " + s);
        }
    }

    /**
     * Pushes the vector in {@code local}, a partial result carried by the loop, as {@code VectorTypes.EXACT.cast(v)}: C2
     * types a loop-carried value as the abstract FloatVector and then compiles a Vector API call on it to its instruction
     * only if the receiver types it profiled say which class it is; the cast, an intrinsic, tells it whatever the profile.
     */
    private void loadExact(int local) {
        ga.getStatic(VECTOR_TYPES, "EXACT", CLASS);
        ga.loadLocal(local);
        ga.invokeVirtual(CLASS, Methods.of("Object cast (Object)"));
        ga.checkCast(FV);
    }

    private static final Type VECTOR_TYPES = Type.getObjectType("dev/nabla/runtime/kernels/VectorTypes");
    private static final Type CLASS = Type.getType(Class.class);

    /**
     * {@code acc = acc (+|max) partial.reduceLanes(ADD|MAX)}, in double, where partial combines the partials
     * pairwise: {@code (p0 + p1) + (p2 + p3)}.
     */
    private void reducePartial(Stmt.Accum a, int[] partials) {
        int local = scalarLocal(a.acc());
        boolean sum = a.op() == Stmt.AccOp.SUM;
        ga.loadLocal(local);
        combine(sum, partials, 0, partials.length);
        ga.getStatic(OPS, sum ? "ADD" : "MAX", ASSOC);
        ga.invokeVirtual(FV, new Method("reduceLanes", Type.FLOAT_TYPE, new Type[] {ASSOC}));
        ga.cast(Type.FLOAT_TYPE, Type.DOUBLE_TYPE);
        if (sum) {
            ga.math(GeneratorAdapter.ADD, Type.DOUBLE_TYPE);
        } else {
            ga.invokeStatic(Type.getType(Math.class), Methods.of("double max (double, double)"));
        }
        ga.storeLocal(local);
    }

    /** Pushes partials {@code [from, to)} combined pairwise, halves first. */
    private void combine(boolean sum, int[] partials, int from, int to) {
        if (to - from == 1) {
            loadExact(partials[from]);
            return;
        }
        int mid = (from + to) / 2;
        combine(sum, partials, from, mid);
        ga.getStatic(OPS, sum ? "ADD" : "MAX", ASSOC);
        combine(sum, partials, mid, to);
        ga.invokeVirtual(FV, new Method("lanewise", FV, new Type[] {BINARY, VEC}));
    }

    private void species() {
        ga.getStatic(FV, "SPECIES_PREFERRED", SPECIES);
    }

    /** Pushes {@code FloatVector.broadcast(SPECIES, scalar)}. */
    private void broadcast(Runnable scalar) {
        species();
        scalar.run();
        ga.invokeStatic(FV, new Method("broadcast", FV, new Type[] {SPECIES, Type.FLOAT_TYPE}));
    }

    /** Pushes a FloatVector for {@code e} over the lanes of the current vector loop. */
    private void vexpr(Expr e) {
        if (Vectorizable.invariant(e, vectorVar, vectorLets.keySet())) {
            broadcast(() -> expr(e));
            return;
        }
        switch (e.kind()) {
            case LOAD -> {
                Expr.Load l = (Expr.Load) e;
                species();
                loadBuf(l.buf());
                index(l.index());
                ga.invokeStatic(FV, new Method("fromArray", FV, new Type[] {SPECIES, FLOATS, Type.INT_TYPE}));
            }
            case READ -> ga.loadLocal(vectorLets.get(((Expr.Read) e).local()));
            case UNARY -> vunary((Expr.Unary) e);
            case BINARY -> vbinary((Expr.Binary) e);
            case SELECT -> {
                Expr.Select s = (Expr.Select) e;
                vexpr(s.b());
                vexpr(s.a());
                vexpr(s.cond());
                ga.getStatic(OPS, "NE", COMPARISON);
                ga.push(0f);
                ga.invokeVirtual(FV, new Method("compare", MASK, new Type[] {COMPARISON, Type.FLOAT_TYPE}));
                ga.invokeVirtual(FV, new Method("blend", FV, new Type[] {VEC, MASK}));
            }
            case CONST, INDEX_VALUE, SIZE_VALUE, RANDOM -> throw new IllegalStateException("not vectorizable: " + e);
        }
    }

    private void vunary(Expr.Unary u) {
        switch (u.op()) {
            case RELU -> {
                vexpr(u.a());
                ga.push(0f);
                ga.invokeVirtual(FV, new Method("max", FV, new Type[] {Type.FLOAT_TYPE}));
            }
            case SIGMOID -> {
                broadcast(() -> ga.push(1f));
                vexpr(u.a());
                lanewise("NEG");
                new VectorMathEmitter(ga).exp();
                ga.push(1f);
                ga.invokeVirtual(FV, new Method("add", FV, new Type[] {Type.FLOAT_TYPE}));
                ga.invokeVirtual(FV, new Method("div", FV, new Type[] {VEC}));
            }
            case EXP -> {
                vexpr(u.a());
                new VectorMathEmitter(ga).exp();
            }
            case TANH -> {
                vexpr(u.a());
                new VectorMathEmitter(ga).tanh();
            }
            case NEG, SQRT, ABS -> {
                vexpr(u.a());
                lanewise(u.op().name());
            }
            default -> throw new IllegalStateException("no lane-wise form of " + u.op());
        }
    }

    private void lanewise(String unaryOp) {
        ga.getStatic(OPS, unaryOp, UNARY);
        ga.invokeVirtual(FV, new Method("lanewise", FV, new Type[] {UNARY}));
    }

    private void vbinary(Expr.Binary b) {
        switch (b.op()) {
            case GREATER, EQUAL -> {
                broadcast(() -> ga.push(0f));
                ga.push(1f);
                vexpr(b.a());
                ga.getStatic(OPS, b.op() == Op.GREATER ? "GT" : "EQ", COMPARISON);
                vexpr(b.b());
                ga.invokeVirtual(FV, new Method("compare", MASK, new Type[] {COMPARISON, VEC}));
                ga.invokeVirtual(FV, new Method("blend", FV, new Type[] {Type.FLOAT_TYPE, MASK}));
            }
            case ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM -> {
                vexpr(b.a());
                ga.getStatic(OPS, VECTOR_BINARY.get(b.op()), b.op() == Op.SUB || b.op() == Op.DIV ? BINARY : ASSOC);
                vexpr(b.b());
                ga.invokeVirtual(FV, new Method("lanewise", FV, new Type[] {BINARY, VEC}));
            }
            default -> throw new IllegalStateException("no lane-wise form of " + b.op());
        }
    }

    /** The VectorOperators constant of each lane-wise arithmetic op. */
    private static final Map<Op, String> VECTOR_BINARY = Map.of(Op.ADD, "ADD", Op.SUB, "SUB", Op.MUL, "MUL",
            Op.DIV, "DIV", Op.MAXIMUM, "MAX", Op.MINIMUM, "MIN");
}
