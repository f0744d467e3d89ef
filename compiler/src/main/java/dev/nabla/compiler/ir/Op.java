package dev.nabla.compiler.ir;

/**
 * The one op vocabulary of the IR. Forward graphs, backward graphs, optimised graphs and the loop IR's scalar
 * expressions all use it. What every pass may ask of an op without knowing it is a trait declared here (family,
 * arity, kernel, transcendental, commutative, cost); what only one stage needs (shape rule, interpreter rule,
 * gradient rule, lowering, bytecode) lives in that stage's per-op table, keyed by this enum, and a test checks
 * every table covers every op. Adding an op is one line here plus one entry per table: see docs/ir.md.
 */
public enum Op {
    // Elementwise binary, NumPy broadcasting.
    ADD("add", Family.BINARY, Trait.COMMUTATIVE),
    SUB("sub", Family.BINARY),
    MUL("mul", Family.BINARY, Trait.COMMUTATIVE),
    DIV("div", Family.BINARY),
    MAXIMUM("maximum", Family.BINARY, Trait.COMMUTATIVE),
    MINIMUM("minimum", Family.BINARY, Trait.COMMUTATIVE),
    /** a raised to the power b (Math.pow). */
    POW("pow", Family.BINARY, Trait.TRANSCENDENTAL),
    /** 1.0 where a &gt; b else 0.0. */
    GREATER("greater", Family.BINARY),
    /** 1.0 where a == b else 0.0. */
    EQUAL("equal", Family.BINARY, Trait.COMMUTATIVE),
    /** select(cond, a, b): a where cond != 0 else b; all three broadcast. */
    SELECT("select", Family.TERNARY),
    // Elementwise unary.
    NEG("neg", Family.UNARY),
    EXP("exp", Family.UNARY, Trait.TRANSCENDENTAL),
    LOG("log", Family.UNARY, Trait.TRANSCENDENTAL),
    SQRT("sqrt", Family.UNARY, Trait.TRANSCENDENTAL),
    ABS("abs", Family.UNARY),
    SIGN("sign", Family.UNARY),
    TANH("tanh", Family.UNARY, Trait.TRANSCENDENTAL),
    SIGMOID("sigmoid", Family.UNARY, Trait.TRANSCENDENTAL),
    RELU("relu", Family.UNARY),
    /** exp(x) - 1 without the cancellation near 0 of computing it so (elu's negative side). */
    EXPM1("expm1", Family.UNARY, Trait.TRANSCENDENTAL),
    /** log(1 + x) without the rounding of 1 + x near 0 (softplus's tail). */
    LOG1P("log1p", Family.UNARY, Trait.TRANSCENDENTAL),
    /** The error function, for gelu's exact form; Java has none, so it is dev.nabla.runtime.kernels.Erf. */
    ERF("erf", Family.UNARY, Trait.TRANSCENDENTAL),
    // Contractions.
    /** [M,K] @ [K,N] -> [M,N]. */
    MATMUL("matmul", Family.CONTRACTION, KernelFamily.MATRIX_PRODUCT),
    /**
     * transpose(a) @ b: [K,M], [K,N] -> [M,N], contracting the first axes, which may be the batch B.
     * Weight gradients need it: x^T @ g sums over the batch, and [B,K] cannot be transposed in the IR
     * because B may only be axis 0. Lowers to a GEMM with transA.
     */
    MATMUL_TN("matmul_tn", Family.CONTRACTION, KernelFamily.MATRIX_PRODUCT),
    /** 2-D cross-correlation, NCHW: x [N,C,H,W], w [O,C,kh,kw] -> [N,O,OH,OW]; geometry in {@link Attr.Window}. */
    CONV2D("conv2d", Family.CONTRACTION, KernelFamily.CONVOLUTION),
    /** The adjoint of CONV2D in its input: g [N,O,OH,OW], w [O,C,kh,kw] -> [N,C,H,W] (a transposed convolution). */
    CONV2D_BACKWARD_INPUT("conv2d_backward_input", Family.CONTRACTION, KernelFamily.CONVOLUTION),
    /** The adjoint of CONV2D in its kernel: x [N,C,H,W], g [N,O,OH,OW] -> [O,C,kh,kw], summing over N. */
    CONV2D_BACKWARD_FILTER("conv2d_backward_filter", Family.CONTRACTION, KernelFamily.CONVOLUTION),
    // Sliding-window pooling over the last two axes of [N,C,H,W].
    /** Maximum of each window; padding never wins. */
    MAX_POOL2D("max_pool2d", Family.WINDOW, 1),
    /** max_pool2d_backward(x, g): each g goes to its window's first maximum in row-major order, as in PyTorch. */
    MAX_POOL2D_BACKWARD("max_pool2d_backward", Family.WINDOW, 2),
    /** max_pool2d_gather(x, h): h at each window's maximum of x; the adjoint of MAX_POOL2D_BACKWARD in g. */
    MAX_POOL2D_GATHER("max_pool2d_gather", Family.WINDOW, 2),
    /** Mean of each window, padding counted (PyTorch's count_include_pad = true). */
    AVG_POOL2D("avg_pool2d", Family.WINDOW, 1),
    /** avg_pool2d_backward(g): each g spread evenly over its window; the adjoint of AVG_POOL2D. */
    AVG_POOL2D_BACKWARD("avg_pool2d_backward", Family.WINDOW, 1),
    // Layout.
    TRANSPOSE("transpose", Family.LAYOUT), RESHAPE("reshape", Family.LAYOUT),
    /** Broadcasts to a larger shape, NumPy rules. */
    BROADCAST("broadcast", Family.LAYOUT),
    /** The box of the operand starting at {@link Attr.Region#offset()}, of the result's shape (indexing, slicing). */
    SLICE("slice", Family.LAYOUT),
    /** The operand placed at {@link Attr.Region#offset()} inside zeros of the result's shape: SLICE's adjoint. */
    PAD("pad", Family.LAYOUT),
    // Reductions over chosen axes.
    SUM("sum", Family.REDUCTION), MEAN("mean", Family.REDUCTION), MAX("max", Family.REDUCTION),
    // Normalisations along one axis, computed stably.
    SOFTMAX("softmax", Family.AXIS, Trait.TRANSCENDENTAL), LOG_SOFTMAX("log_softmax", Family.AXIS, Trait.TRANSCENDENTAL),
    /** Integer labels [..] -> f32 [.., depth]. */
    ONE_HOT("one_hot", Family.AXIS),
    /** A scalar constant broadcast to a shape. */
    CONSTANT("constant", Family.SOURCE),
    // Random draws from dev.nabla.runtime.kernels.RandomStream, keyed by two scalar operands (the model's seed and
    // step states) and the call site's stream number ({@link Attr.Draw}).
    /** Uniform in [0, 1) per element. */
    RANDOM_UNIFORM("random_uniform", Family.SOURCE, 2, Trait.RANDOM),
    /** Standard normal per element. */
    RANDOM_NORMAL("random_normal", Family.SOURCE, 2, Trait.RANDOM),
    // Fused ops: only the fusion passes make them, after autodiff, so they have no gradient rule (see passes/Fuse*).
    // Each computes what the ops it stands for compute, in one runtime call; {@link Attr.Trans} gives a product's
    // transposed operands.
    /** op(a) @ op(b), op a transpose where {@link Attr.Trans} says: [M,N]. */
    GEMM("gemm", Family.CONTRACTION, 2, KernelFamily.MATRIX_PRODUCT, Trait.FUSED),
    /** op(a) @ op(b) + bias, the bias a row [N] or [1,N] added in the product's store. */
    GEMM_BIAS("gemm_bias", Family.CONTRACTION, 3, KernelFamily.MATRIX_PRODUCT, Trait.FUSED),
    /** relu(op(a) @ op(b) + bias). */
    GEMM_BIAS_RELU("gemm_bias_relu", Family.CONTRACTION, 3, KernelFamily.MATRIX_PRODUCT, Trait.FUSED),
    /** c + op(a) @ op(b): c (broadcast to [M,N], maybe an inlined expression) is stored first, the product added to it. */
    GEMM_ACC("gemm_acc", Family.CONTRACTION, 3, KernelFamily.MATRIX_PRODUCT, Trait.FUSED),
    /** conv2d(x, w) + b, b one value per output channel ([O,1,1] or [1,O,1,1]), added in the kernel's store. */
    CONV2D_BIAS("conv2d_bias", Family.CONTRACTION, 3, KernelFamily.CONVOLUTION, Trait.FUSED),
    /** relu(conv2d(x, w) + b). */
    CONV2D_BIAS_RELU("conv2d_bias_relu", Family.CONTRACTION, 3, KernelFamily.CONVOLUTION, Trait.FUSED),
    /**
     * conv2d_backward_bias(g, dw): the sum of the output gradient g over N, H and W (the bias gradient), written by
     * the kernel of the filter gradient dw = conv2d_backward_filter(x, g), which reads the same g; dw's value is not
     * used, only its kernel, which the fusion pass puts right before this instruction.
     */
    CONV2D_BACKWARD_BIAS("conv2d_backward_bias", Family.CONTRACTION, 2, KernelFamily.CONVOLUTION, Trait.FUSED),
    /**
     * select(x &gt; 0, max_pool2d_backward(x, g), 0): the ReLU backward mask of pooled ReLU outputs x, tested once per
     * window (the gradient lands only on its window's maximum) inside the pooling kernel.
     */
    MAX_POOL2D_BACKWARD_RELU("max_pool2d_backward_relu", Family.WINDOW, 2, Trait.FUSED);

    /** Coarse grouping by operand structure, used by shape rules and fusion. */
    public enum Family { UNARY, BINARY, TERNARY, CONTRACTION, WINDOW, LAYOUT, REDUCTION, AXIS, SOURCE }

    /**
     * How an op is computed: as a scalar expression inside loops ({@link #LOOPS}), or by a call into a runtime
     * kernel family of its own. The fusion passes treat each family separately, so a convolution is never planned as a
     * matrix product.
     */
    public enum KernelFamily { LOOPS, MATRIX_PRODUCT, CONVOLUTION, POOLING }

    /** Per-op facts that passes and emitters ask about. */
    private enum Trait { COMMUTATIVE, TRANSCENDENTAL, RANDOM, FUSED }

    private final String mnemonic;
    private final Family family;
    private final int arity;
    private final KernelFamily kernel;
    private final boolean commutative;
    private final boolean transcendental;
    private final boolean random;
    private final boolean fused;

    Op(String mnemonic, Family family, Trait... traits) {
        this(mnemonic, family, defaultArity(family), traits);
    }

    /** Window ops are computed by the pooling kernels; every other op without a kernel family by loops. */
    Op(String mnemonic, Family family, int arity, Trait... traits) {
        this(mnemonic, family, arity, family == Family.WINDOW ? KernelFamily.POOLING : KernelFamily.LOOPS, traits);
    }

    Op(String mnemonic, Family family, KernelFamily kernel) {
        this(mnemonic, family, defaultArity(family), kernel);
    }

    Op(String mnemonic, Family family, int arity, KernelFamily kernel, Trait... traits) {
        this.mnemonic = mnemonic;
        this.family = family;
        this.arity = arity;
        this.kernel = kernel;
        this.commutative = java.util.Arrays.asList(traits).contains(Trait.COMMUTATIVE);
        this.transcendental = java.util.Arrays.asList(traits).contains(Trait.TRANSCENDENTAL);
        this.random = java.util.Arrays.asList(traits).contains(Trait.RANDOM);
        this.fused = java.util.Arrays.asList(traits).contains(Trait.FUSED);
    }

    private static int defaultArity(Family family) {
        return switch (family) {
            case UNARY, LAYOUT, REDUCTION, AXIS, WINDOW -> 1;
            case BINARY, CONTRACTION -> 2;
            case TERNARY -> 3;
            case SOURCE -> 0;
        };
    }

    public String mnemonic() {
        return mnemonic;
    }

    public Family family() {
        return family;
    }

    public int arity() {
        return arity;
    }

    /** The kernel family that computes the op. */
    public KernelFamily kernelFamily() {
        return kernel;
    }

    /** One result element from the operand elements at the same (broadcast) position. */
    public boolean elementwise() {
        return family == Family.UNARY || family == Family.BINARY || family == Family.TERNARY;
    }

    /** op(a, b) == op(b, a): gradient rules give both operands the same gradient when they are one value. */
    public boolean commutative() {
        return commutative;
    }

    /** Calls exp, log, sqrt, tanh, erf or pow per element: too costly to recompute in each of several readers. */
    public boolean transcendental() {
        return transcendental;
    }

    /**
     * Draws from the random generator: an effect. Two draws of one call site on the same step are the same numbers,
     * but two call sites are never one value, so no pass may merge (CSE), duplicate (recompute in several readers),
     * hoist or drop such an instruction; each keeps its own stream number.
     */
    public boolean random() {
        return random;
    }

    /** Made only by the fusion passes (after autodiff, so without a gradient rule), never by the front end. */
    public boolean fused() {
        return fused;
    }

    /**
     * One result element is an expression of operand elements, so a reader's loop can compute it where it reads it
     * (the elementwise-fusion pass may mark it inlined, and it then gets no buffer): elementwise ops, constants,
     * random draws, and the layout ops that only move elements (broadcast, transpose, slice), and one_hot.
     */
    public boolean expression() {
        return switch (family) {
            case UNARY, BINARY, TERNARY, SOURCE -> true;
            case LAYOUT -> this == BROADCAST || this == TRANSPOSE || this == SLICE;
            case AXIS -> this == ONE_HOT;
            default -> false;
        };
    }

    /**
     * Whether the op's kernel reads operand {@code k} one element at a time, through an expression (so an inlined
     * value may be computed there): elementwise ops, reductions, softmax, layout ops other than reshape; of the
     * fused ops only gemm_acc's addend. Contractions and window ops read their operands whole, in runtime kernels.
     */
    public boolean readsElementwise(int k) {
        return switch (family) {
            case UNARY, BINARY, TERNARY, REDUCTION, AXIS -> true;
            case LAYOUT -> this != RESHAPE;
            case CONTRACTION -> this == GEMM_ACC && k == 2;
            case WINDOW, SOURCE -> false;
        };
    }

    /**
     * Rough cost of one result element in multiply-add equivalents, for fusion's duplicate-or-store choice:
     * 1 for arithmetic, 20 for a transcendental function or a random draw.
     */
    public int cost() {
        return transcendental || random ? 20 : 1;
    }
}
