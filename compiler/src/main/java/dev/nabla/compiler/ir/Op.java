package dev.nabla.compiler.ir;

/**
 * The one op vocabulary of the IR. Forward graphs, backward graphs and optimised graphs all use it.
 * Everything an op needs to be known by (shape rule, interpreter rule, gradient rule, lowering) lives
 * in per-op tables keyed by this enum; a test checks every table covers every op.
 */
public enum Op {
    // Elementwise binary, NumPy broadcasting.
    ADD("add", Family.BINARY), SUB("sub", Family.BINARY), MUL("mul", Family.BINARY), DIV("div", Family.BINARY),
    MAXIMUM("maximum", Family.BINARY), MINIMUM("minimum", Family.BINARY),
    /** 1.0 where a &gt; b else 0.0. */
    GREATER("greater", Family.BINARY),
    /** 1.0 where a == b else 0.0. */
    EQUAL("equal", Family.BINARY),
    /** select(cond, a, b): a where cond != 0 else b; all three broadcast. */
    SELECT("select", Family.TERNARY),
    // Elementwise unary.
    NEG("neg", Family.UNARY), EXP("exp", Family.UNARY), LOG("log", Family.UNARY), SQRT("sqrt", Family.UNARY),
    ABS("abs", Family.UNARY), SIGN("sign", Family.UNARY), TANH("tanh", Family.UNARY),
    SIGMOID("sigmoid", Family.UNARY), RELU("relu", Family.UNARY),
    // Structure.
    /** [M,K] @ [K,N] -> [M,N]. */
    MATMUL("matmul", Family.CONTRACTION),
    /**
     * transpose(a) @ b: [K,M], [K,N] -> [M,N], contracting the first axes, which may be the batch B.
     * Weight gradients need it: x^T @ g sums over the batch, and [B,K] cannot be transposed in the IR
     * because B may only be axis 0. Lowers to a GEMM with transA.
     */
    MATMUL_TN("matmul_tn", Family.CONTRACTION),
    TRANSPOSE("transpose", Family.LAYOUT), RESHAPE("reshape", Family.LAYOUT),
    /** Broadcasts to a larger shape, NumPy rules. */
    BROADCAST("broadcast", Family.LAYOUT),
    // Reductions over chosen axes.
    SUM("sum", Family.REDUCTION), MEAN("mean", Family.REDUCTION), MAX("max", Family.REDUCTION),
    // Normalisations along one axis, computed stably.
    SOFTMAX("softmax", Family.AXIS), LOG_SOFTMAX("log_softmax", Family.AXIS),
    /** Integer labels [..] -> f32 [.., depth]. */
    ONE_HOT("one_hot", Family.AXIS),
    /** A scalar constant broadcast to a shape. */
    CONSTANT("constant", Family.SOURCE);

    /** Coarse grouping used by passes (e.g. fusion regroups elementwise families). */
    public enum Family { UNARY, BINARY, TERNARY, CONTRACTION, LAYOUT, REDUCTION, AXIS, SOURCE }

    private final String mnemonic;
    private final Family family;

    Op(String mnemonic, Family family) {
        this.mnemonic = mnemonic;
        this.family = family;
    }

    public String mnemonic() {
        return mnemonic;
    }

    public Family family() {
        return family;
    }

    public boolean elementwise() {
        return family == Family.UNARY || family == Family.BINARY || family == Family.TERNARY;
    }

    public int arity() {
        return switch (family) {
            case UNARY, LAYOUT, REDUCTION, AXIS -> 1;
            case BINARY, CONTRACTION -> 2;
            case TERNARY -> 3;
            case SOURCE -> 0;
        };
    }
}
