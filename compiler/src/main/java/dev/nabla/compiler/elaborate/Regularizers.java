package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Parameter sets ({@code weights}, {@code biases}, {@code params("glob")}) and the regularizers over them,
 * expanded into ordinary IR: one sum per parameter, added up, scaled.
 */
final class Regularizers {

    private Regularizers() {
    }

    static void register(Map<String, Val> table) {
        table.put("weights", new Val.ParamSet("weights", (name, rank) -> rank >= 2));
        table.put("biases", new Val.ParamSet("biases", (name, rank) -> rank == 1));
        TensorBuiltins.add(table, "params", List.of("pattern"), Map.of("pattern", new Val.Str("*")), (e, a) -> {
            String glob = a.string("pattern");
            Pattern p = glob(glob);
            return new Val.ParamSet("params(\"" + glob + "\")", (name, rank) -> p.matcher(name).matches());
        });
        TensorBuiltins.add(table, "l2", List.of("set", "lambda"), Map.of(),
                (e, a) -> new Val.Tensor(penalty(e, a, Op.MUL, a.number("lambda") / 2)));
        TensorBuiltins.add(table, "l1", List.of("set", "lambda"), Map.of(),
                (e, a) -> new Val.Tensor(penalty(e, a, Op.ABS, a.number("lambda"))));
        TensorBuiltins.add(table, "elastic_net", List.of("set", "l1", "l2"),
                Map.of("l1", new Val.Num(0, true), "l2", new Val.Num(0, true)), Regularizers::elasticNet);
    }

    /** {@code *} matches any run of characters (dots included), {@code ?} one character. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            re.append(switch (c) {
                case '*' -> ".*";
                case '?' -> ".";
                default -> Pattern.quote(String.valueOf(c));
            });
        }
        return Pattern.compile(re.toString());
    }

    private static Val elasticNet(BuiltinFn.Emitter e, Args a) {
        Value l1 = penalty(e, a, Op.ABS, a.number("l1"));
        Value l2 = penalty(e, a, Op.MUL, a.number("l2") / 2);
        return new Val.Tensor(e.emit(Op.ADD, List.of(l1, l2), Attr.NONE, a.call()));
    }

    /** {@code scale * sum over the set of sum(|w|)} for ABS, {@code sum(w*w)} for MUL. */
    private static Value penalty(BuiltinFn.Emitter e, Args a, Op elementwise, double scale) {
        if (scale < 0) {
            throw new ElabError(a.call(), "the coefficient of '" + a.fn() + "' must not be negative, got " + scale);
        }
        List<Value> members = members(e, a);
        Span at = a.call();
        Value total = null;
        for (Value w : members) {
            Value term = elementwise == Op.ABS ? e.emit(Op.ABS, List.of(w), Attr.NONE, at)
                    : e.emit(Op.MUL, List.of(w, w), Attr.NONE, at);
            List<Integer> all = IntStream.range(0, w.shape().rank()).boxed().toList();
            Value s = e.emit(Op.SUM, List.of(term), new Attr.Axes(all, false), at);
            total = total == null ? s : e.emit(Op.ADD, List.of(total, s), Attr.NONE, at);
        }
        return e.emit(Op.MUL, List.of(e.constant(scale, at), total), Attr.NONE, at);
    }

    private static List<Value> members(BuiltinFn.Emitter e, Args a) {
        if (!(a.get("set") instanceof Val.ParamSet set)) {
            throw a.wrong("set", "a parameter set (weights, biases, params(\"glob\") or params())");
        }
        List<Value> out = new ArrayList<>();
        for (Value p : e.params()) {
            if (set.contains().test(p.name(), p.shape().rank())) {
                out.add(p);
            }
        }
        if (out.isEmpty()) {
            List<String> names = e.params().stream().map(Value::name).toList();
            throw new ElabError(a.span("set"), set.name() + " contains no parameter of this model"
                    + (names.isEmpty() ? "" : " (its parameters: " + String.join(", ", names) + ")"));
        }
        return out;
    }
}
