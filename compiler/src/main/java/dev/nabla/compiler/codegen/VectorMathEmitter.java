package dev.nabla.compiler.codegen;

import dev.nabla.runtime.kernels.VectorMath;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.GeneratorAdapter;
import org.objectweb.asm.commons.Method;

/**
 * Writes {@link VectorMath#expScalar} and {@link VectorMath#tanhScalar} into a generated vector kernel as Vector API
 * calls, operation for operation, with the same constants: the same bits in every JIT tier (VectorMathKernelsTest). A
 * call to a shared vector method would be shorter, but C2 inlined it only where it judged the call site hot, and
 * elsewhere passed the vectors boxed: the GRU model of NoAllocationTest allocated 43 KB per round. Each method takes
 * the operand FloatVector from the stack and leaves the result there.
 */
final class VectorMathEmitter {

    private static final Type FV = VectorKernelEmitter.FV;
    private static final Type IV = Type.getObjectType(VectorKernelEmitter.PKG + "IntVector");
    private static final Type VEC = VectorKernelEmitter.VEC;
    private static final Type MASK = VectorKernelEmitter.MASK;
    private static final Type OPS = VectorKernelEmitter.OPS;
    private static final Type BINARY = VectorKernelEmitter.BINARY;
    private static final Type COMPARISON = VectorKernelEmitter.COMPARISON;
    private static final Type F = Type.FLOAT_TYPE;
    private static final Type I = Type.INT_TYPE;

    private final GeneratorAdapter ga;

    VectorMathEmitter(GeneratorAdapter ga) {
        this.ga = ga;
    }

    /** {@link VectorMath#expScalar}, a lane at a time. */
    void exp() {
        ga.push(VectorMath.LOW);
        floats("max", F);
        ga.push(VectorMath.HIGH);
        floats("min", F);
        int c = store(FV);
        ga.loadLocal(c);
        ga.push(VectorMath.LOG2E);
        ga.push(VectorMath.ROUNDER);
        floats("fma", F, F);
        int t = store(FV);
        ga.loadLocal(t);
        ga.push(VectorMath.ROUNDER);
        floats("sub", F);
        int n = store(FV);
        ga.loadLocal(n);
        broadcast(c, -VectorMath.LN2_HI);
        ga.loadLocal(c);
        floats("fma", VEC, VEC);
        int r = store(FV);
        ga.loadLocal(n);
        broadcast(c, -VectorMath.LN2_LO);
        ga.loadLocal(r);
        floats("fma", VEC, VEC);
        ga.storeLocal(r);
        polynomial(r, c, VectorMath.P0, VectorMath.P1, VectorMath.P2, VectorMath.P3, VectorMath.P4, VectorMath.P5);
        ga.loadLocal(r);
        ga.loadLocal(r);
        floats("mul", VEC);
        floats("mul", VEC);
        ga.loadLocal(r);
        floats("add", VEC);
        ga.push(1f);
        floats("add", F);
        int e = store(FV);
        ga.loadLocal(t);
        ga.invokeVirtual(FV, new Method("reinterpretAsInts", IV, new Type[0]));
        ga.push(VectorMath.ROUNDER_BITS);
        ints("sub", I);
        int k = store(IV);
        ga.loadLocal(k);
        ga.getStatic(OPS, "ASHR", BINARY);
        ga.push(1);
        ints("lanewise", BINARY, I);
        int k1 = store(IV);
        ga.loadLocal(e);
        scale(k1);
        floats("mul", VEC);
        ga.loadLocal(k);
        ga.loadLocal(k1);
        ints("sub", VEC);
        scale(-1);
        floats("mul", VEC);
    }

    /** {@link VectorMath#tanhScalar}, a lane at a time. */
    void tanh() {
        int x = store(FV);
        ga.loadLocal(x);
        ga.invokeVirtual(FV, new Method("abs", FV, new Type[0]));
        int a = store(FV);
        ga.loadLocal(x);
        ga.loadLocal(x);
        floats("mul", VEC);
        int z = store(FV);
        polynomial(z, x, VectorMath.T0, VectorMath.T1, VectorMath.T2, VectorMath.T3, VectorMath.T4);
        ga.loadLocal(z);
        floats("mul", VEC);
        ga.loadLocal(x);
        ga.loadLocal(x);
        floats("fma", VEC, VEC);
        int small = store(FV);
        broadcast(x, 1f);
        broadcast(x, 2f);
        ga.loadLocal(a);
        ga.loadLocal(a);
        floats("add", VEC);
        exp();
        ga.push(1f);
        floats("add", F);
        floats("div", VEC);
        floats("sub", VEC);
        int large = store(FV);
        ga.loadLocal(large);
        ga.loadLocal(large);
        ga.invokeVirtual(FV, new Method("neg", FV, new Type[0]));
        ga.loadLocal(x);
        ga.getStatic(OPS, "LT", COMPARISON);
        ga.push(0f);
        ga.invokeVirtual(FV, new Method("compare", MASK, new Type[] {COMPARISON, F}));
        floats("blend", VEC, MASK);
        ga.loadLocal(small);
        ga.loadLocal(a);
        ga.getStatic(OPS, "LT", COMPARISON);
        ga.push(VectorMath.TANH_SMALL);
        ga.invokeVirtual(FV, new Method("compare", MASK, new Type[] {COMPARISON, F}));
        floats("blend", VEC, MASK);
    }

    /**
     * Horner's rule in the FloatVector of local {@code v}: {@code v.fma(c0, c1)}, then {@code .fma(v, c)} for each further
     * coefficient, broadcast from the FloatVector of local {@code like}.
     */
    private void polynomial(int v, int like, float c0, float c1, float... more) {
        ga.loadLocal(v);
        ga.push(c0);
        ga.push(c1);
        floats("fma", F, F);
        for (float coefficient : more) {
            ga.loadLocal(v);
            broadcast(like, coefficient);
            floats("fma", VEC, VEC);
        }
    }

    /**
     * {@code k.add(127).lanewise(LSHL, 23).reinterpretAsFloats()}: 2^k per lane, for the IntVector in local {@code k},
     * or on the stack when {@code k} is -1.
     */
    private void scale(int k) {
        if (k >= 0) {
            ga.loadLocal(k);
        }
        ga.push(127);
        ints("add", I);
        ga.getStatic(OPS, "LSHL", BINARY);
        ga.push(23);
        ints("lanewise", BINARY, I);
        ga.invokeVirtual(IV, new Method("reinterpretAsFloats", FV, new Type[0]));
    }

    /** {@code v.broadcast(value)}, for the FloatVector in local {@code v}. */
    private void broadcast(int v, float value) {
        ga.loadLocal(v);
        ga.push(value);
        floats("broadcast", F);
    }

    private int store(Type type) {
        int local = ga.newLocal(type);
        ga.storeLocal(local);
        return local;
    }

    private void floats(String method, Type... args) {
        ga.invokeVirtual(FV, new Method(method, FV, args));
    }

    private void ints(String method, Type... args) {
        ga.invokeVirtual(IV, new Method(method, IV, args));
    }
}
