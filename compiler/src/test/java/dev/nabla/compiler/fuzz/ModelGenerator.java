package dev.nabla.compiler.fuzz;

import dev.nabla.compiler.elaborate.Frontend;
import dev.nabla.compiler.elaborate.Frontend.Callable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Models that call the functions of the language, each of them in turn ({@link Frontend#callables()}: every builtin
 * and every definition of {@code std.nabla}, so a new op or layer is fuzzed without an entry here), with random
 * arguments. An argument is mostly one a user could mean for a parameter of that name (a tensor for {@code x}, a
 * count for {@code units}, a padding mode for {@code padding}), sometimes anything at all; some calls pass arguments
 * by name, leave out required ones or pass too many. The result of one call may feed the next.
 */
final class ModelGenerator {

    static final List<Callable> CALLABLES = Frontend.callables();

    private static final String[] TENSORS = {"x", "x", "w", "img", "seq", "y", "t", "x[:, 0]", "relu(x)", "x * 2",
            "seq[:, -1, :]", "img[:, 0]", "reshape(x, [B, 3, 1])", "flatten(img)", "prev", "prev", "prev"};
    private static final String[] LISTS = {"[x, x]", "[x, t]", "[seq, seq]", "[x]", "[]", "[prev, x]"};
    private static final String[] NUMBERS = {"0", "1", "2", "3", "4", "-1", "-2", "0.5", "1e-4", "0.99", "2147483648",
            "1e309", "-0.0", "8", "100000"};
    private static final String[] PAIRS = {"[2, 2]", "[1, 1]", "[3, 1]", "[0, 2]", "[2]", "[2, 2, 2]", "2", "1", "3"};
    private static final String[] STRINGS = {"\"same\"", "\"valid\"", "\"*\"", "\"\"", "\"causal\"", "\"w*\"", "\"é\""};
    private static final String[] FUNCTIONS = {"relu", "identity", "tanh", "sigmoid", "softmax", "he_uniform", "zeros",
            "glorot_uniform", "ones", "leaky_relu", "x", "dense"};
    private static final String[] SHAPES = {"[B, 4]", "[4]", "[B, 2, 2]", "[1, 0]", "[0, 1]", "[B, 4, 1]", "[2, 3]",
            "[B]", "[]", "[-1, 4]", "[B, 0]"};
    private static final String[] BOOLS = {"true", "false"};

    private static final Set<String> TENSOR_FORMALS = Set.of("x", "a", "b", "cond", "logits", "pred", "target",
            "targets", "scores", "labels", "p", "v", "h", "w", "filters", "x0", "input", "value");
    private static final Set<String> LIST_FORMALS = Set.of("xs", "set");
    private static final Set<String> PAIR_FORMALS = Set.of("stride", "dilation", "kernel", "window", "from", "to");
    private static final Set<String> STRING_FORMALS = Set.of("padding", "pattern");
    private static final Set<String> FUNCTION_FORMALS = Set.of("activation", "init", "bias_init");
    private static final Set<String> SHAPE_FORMALS = Set.of("shape", "perm", "ranks");
    private static final Set<String> BOOL_FORMALS = Set.of("keepdims", "affine", "return_sequences", "sequences");

    /**
     * What a user who read the docs would pass, by parameter name: half the generated models use only these (with the
     * function's required parameters, tensors of one kind), so that most functions also get past the checks and
     * through code generation, where the other half mostly tests the checks.
     */
    private static final Map<String, String[]> SANE = Map.ofEntries(
            Map.entry("labels", new String[] {"y"}), Map.entry("target", new String[] {"t"}),
            Map.entry("targets", new String[] {"t"}), Map.entry("units", new String[] {"2", "3"}),
            Map.entry("depth", new String[] {"3"}), Map.entry("axis", new String[] {"-1", "1"}),
            Map.entry("window", new String[] {"2", "[2, 2]"}), Map.entry("kernel", new String[] {"2", "3"}),
            Map.entry("filters", new String[] {"2", "3"}), Map.entry("shape", new String[] {"[B, 3]", "[B, 3, 1]"}),
            Map.entry("perm", new String[] {"[1, 0]"}), Map.entry("ranks", new String[] {"[2]", "[2, 3]"}),
            Map.entry("p", new String[] {"0.5"}), Map.entry("rate", new String[] {"0.5", "0.1"}),
            Map.entry("set", new String[] {"weights", "params(\"*\")"}), Map.entry("pattern", new String[] {"\"*\""}),
            Map.entry("value", new String[] {"0.5"}), Map.entry("low", new String[] {"-1"}),
            Map.entry("high", new String[] {"1"}), Map.entry("mean", new String[] {"0"}),
            Map.entry("std", new String[] {"1"}), Map.entry("lambda", new String[] {"1e-4"}),
            Map.entry("l1", new String[] {"1e-4"}), Map.entry("l2", new String[] {"1e-4"}),
            Map.entry("xs", new String[] {"[x, x]", "[x, t]"}), Map.entry("from", new String[] {"0"}),
            Map.entry("to", new String[] {"2"}));

    private ModelGenerator() {
    }

    /** A model whose first call is to {@code CALLABLES.get(index % size)}; the rest is drawn from {@code r}. */
    static String generate(int index, Random r) {
        Callable first = CALLABLES.get(Math.floorMod(index, CALLABLES.size()));
        List<String> lines = new ArrayList<>();
        boolean sane = r.nextBoolean();
        String[] kinds = {"x", "img", "seq"};
        String kind = kinds[r.nextInt(kinds.length)];
        lines.add("prev = " + kind);
        lines.add("v1 = " + (sane ? saneCall(first, kind, r) : call(first, r)));
        int calls = sane ? 1 : 1 + (r.nextInt(3) == 0 ? 1 + r.nextInt(2) : 0);
        for (int c = 2; c <= calls; c++) {
            lines.add("prev = v" + (c - 1));
            lines.add("v" + c + " = " + call(CALLABLES.get(r.nextInt(CALLABLES.size())), r));
        }
        String v = "v" + calls;
        StringBuilder s = new StringBuilder("model G" + index + " {\n");
        s.append("    input x : f32[B, 3]\n");
        s.append("    input img : f32[B, 2, 6, 6]\n");
        s.append("    input seq : f32[B, 5, 3]\n");
        int loss = r.nextInt(4);
        if (loss != 3) {
            // a model with targets must have a loss; one without is run, not trained
            s.append("    target y : i32[B] classes 3\n");
            s.append("    target t : f32[B, 3]\n");
        }
        s.append("    param w : [3, 3] = glorot_uniform\n");
        s.append("    param k : [2, 2, 3, 3] = he_uniform\n");
        for (String line : lines) {
            s.append("    ").append(line).append('\n');
        }
        s.append("    output o = ").append(v).append('\n');
        switch (loss) {
            case 0 -> s.append("    loss = mean(").append(v).append(" * ").append(v).append(")\n");
            case 1 -> s.append("    loss = mean(").append(v).append(") + mean(t * x) + mean(w) + mean(k) + mean(img)"
                    + " + mean(seq) + mean(one_hot(y, 3))\n");
            case 2 -> s.append("    loss = cross_entropy(dense(flatten(").append(v).append("), 3), y) + mse(x @ w, t)"
                    + " + mean(img) * mean(seq) + mean(k)\n");
            default -> { }
        }
        return s.append("}\n").toString();
    }

    /** The required arguments, each what its name asks for, every tensor of one kind ({@code x}, {@code img}, {@code seq}). */
    private static String saneCall(Callable f, String kind, Random r) {
        List<String> args = new ArrayList<>();
        for (int k = 0; k < f.required(); k++) {
            String formal = f.formals().get(k);
            String[] pool = SANE.get(formal);
            args.add(pool != null ? pool[r.nextInt(pool.length)]
                    : formal.equals("w") ? (kind.equals("img") ? "k" : "w")
                    : TENSOR_FORMALS.contains(formal) ? kind : argumentFor(formal, r));
        }
        return f.name() + "(" + String.join(", ", args) + ")";
    }

    private static String call(Callable f, Random r) {
        List<String> args = new ArrayList<>();
        int count = f.required() + (f.formals().size() > f.required() ? r.nextInt(f.formals().size() - f.required() + 1) : 0);
        if (r.nextInt(10) == 0) {
            count = r.nextInt(f.formals().size() + 2);
        }
        boolean named = false;
        for (int k = 0; k < count; k++) {
            String formal = k < f.formals().size() ? f.formals().get(k) : "extra";
            named |= k >= f.required() && r.nextInt(3) == 0;
            String value = r.nextInt(4) == 0 ? anything(r) : argumentFor(formal, r);
            args.add(named ? formal + " = " + value : value);
        }
        return f.name() + "(" + String.join(", ", args) + ")";
    }

    private static String argumentFor(String formal, Random r) {
        String[] pool = TENSOR_FORMALS.contains(formal) ? TENSORS
                : LIST_FORMALS.contains(formal) ? (formal.equals("set") ? new String[] {"weights", "params(\"*\")",
                "params(\"w\")", "[w]"} : LISTS)
                : PAIR_FORMALS.contains(formal) ? PAIRS
                : STRING_FORMALS.contains(formal) ? STRINGS
                : FUNCTION_FORMALS.contains(formal) ? FUNCTIONS
                : SHAPE_FORMALS.contains(formal) ? SHAPES
                : BOOL_FORMALS.contains(formal) ? BOOLS
                : NUMBERS;
        return pool[r.nextInt(pool.length)];
    }

    private static String anything(Random r) {
        String[][] pools = {TENSORS, LISTS, NUMBERS, PAIRS, STRINGS, FUNCTIONS, SHAPES, BOOLS, Mutators.EXTREMES};
        String[] pool = pools[r.nextInt(pools.length)];
        return pool[r.nextInt(pool.length)];
    }
}
