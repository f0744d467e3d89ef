package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.diag.Suggestions;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.syntax.Expr;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/** Readers for the values of train settings: literals, and calls such as {@code adam(lr = 0.01)}. */
final class TrainValues {

    private static final Map<String, OptimizerSpec.Kind> OPTIMIZERS = OptimizerSpec.NAMES;
    private static final Map<OptimizerSpec.Kind, List<String>> OPTIMIZER_FORMALS = Map.of(
            OptimizerSpec.Kind.SGD, List.of("lr", "momentum", "nesterov", "weight_decay"),
            OptimizerSpec.Kind.NESTEROV, List.of("lr", "momentum", "weight_decay"),
            OptimizerSpec.Kind.ADAM, List.of("lr", "beta1", "beta2", "eps", "weight_decay"),
            OptimizerSpec.Kind.ADAMW, List.of("lr", "beta1", "beta2", "eps", "weight_decay"),
            OptimizerSpec.Kind.RMSPROP, List.of("lr", "alpha", "eps", "momentum", "weight_decay"));
    private static final Map<String, TrainConfig.Schedule.Kind> SCHEDULES = TrainConfig.Schedule.NAMES;

    private TrainValues() {
    }

    /** A name with optional arguments: {@code cosine}, {@code step(every = 5)}. */
    record Form(String name, Span span, List<Args.Actual> actuals) {
    }

    static Form form(Expr e, java.util.Collection<String> names, String what) {
        Form f;
        if (e instanceof Expr.Name n) {
            f = new Form(n.name(), n.span(), List.of());
        } else if (e instanceof Expr.Call c && c.callee() instanceof Expr.Name n) {
            f = new Form(n.name(), n.span(), c.args().stream()
                    .map(a -> new Args.Actual(a.name(), literal(a.value()), a.span())).toList());
        } else {
            throw new ElabError(e.span(), "expected " + what + " (" + String.join(", ", names) + ")");
        }
        if (!names.contains(f.name())) {
            throw new ElabError(f.span(), "unknown " + what + " '" + f.name() + "'"
                    + Suggestions.didYouMean(f.name(), names) + " (known: " + String.join(", ", names.stream().sorted().toList()) + ")");
        }
        return f;
    }

    static Args args(Form f, List<String> formals, Map<String, Val> defaults) {
        Map<String, Val> all = new LinkedHashMap<>();
        formals.forEach(name -> all.put(name, Val.ABSENT));
        all.putAll(defaults);
        return Args.of(f.name(), formals, all, f.actuals(), f.span());
    }

    static Val literal(Expr e) {
        if (e instanceof Expr.IntLit i) {
            return new Val.Num(i.value(), true);
        } else if (e instanceof Expr.FloatLit f) {
            return new Val.Num(f.value(), false);
        } else if (e instanceof Expr.Neg n && literal(n.operand()) instanceof Val.Num num) {
            return new Val.Num(-num.value(), num.integral());
        } else if (e instanceof Expr.StringLit s) {
            return new Val.Str(s.value());
        } else if (e instanceof Expr.BoolLit b) {
            return new Val.Bool(b.value());
        } else if (e instanceof Expr.Name n) {
            return new Val.Str(n.name());
        } else if (e instanceof Expr.ListLit l) {
            return new Val.ListVal(l.items().stream().map(TrainValues::literal).toList());
        }
        throw new ElabError(e.span(), "expected a number, string, true/false or a name here");
    }

    static int integer(Expr e, int min) {
        int v = Values.integer(literal(e), e.span(), "the value");
        if (v < min) {
            throw new ElabError(e.span(), "must be at least " + min + ", got " + v);
        }
        return v;
    }

    static long seed(Expr e) {
        if (literal(e) instanceof Val.Num n && n.integral()) {
            return (long) n.value();
        }
        throw new ElabError(e.span(), "the seed must be an integer");
    }

    static double number(Expr e, double min, double max) {
        if (!(literal(e) instanceof Val.Num n)) {
            throw new ElabError(e.span(), "expected a number");
        }
        if (n.value() < min || n.value() > max) {
            throw new ElabError(e.span(), "must be between " + min + " and " + max + ", got " + n.value());
        }
        return n.value();
    }

    static double fraction(Expr e) {
        double v = number(e, 0, 1);
        if (v >= 1) {
            throw new ElabError(e.span(), "a fraction must be below 1, got " + v);
        }
        return v;
    }

    static boolean bool(Expr e) {
        if (literal(e) instanceof Val.Bool b) {
            return b.value();
        }
        throw new ElabError(e.span(), "expected true or false");
    }

    static String symbol(Expr e) {
        if (e instanceof Expr.Name n) {
            return n.name();
        }
        if (e instanceof Expr.StringLit s) {
            return s.value();
        }
        throw new ElabError(e.span(), "expected a name");
    }

    static OptimizerSpec optimizer(Expr e) {
        Form f = form(e, OPTIMIZERS.keySet(), "optimizer");
        OptimizerSpec.Kind kind = OPTIMIZERS.get(f.name());
        Args a = args(f, OPTIMIZER_FORMALS.get(kind), Map.of());
        if (kind == OptimizerSpec.Kind.SGD && a.given("nesterov") && a.bool("nesterov")) {
            kind = OptimizerSpec.Kind.NESTEROV;
        }
        OptimizerSpec d = OptimizerSpec.defaults(kind);
        double momentum = positive(a, "momentum", d.momentum(), true, 1);
        if (kind == OptimizerSpec.Kind.NESTEROV && momentum == 0) {
            throw new ElabError(a.span("momentum"), "Nesterov momentum needs momentum > 0");
        }
        return new OptimizerSpec(kind, positive(a, "lr", d.lr(), false, Double.MAX_VALUE), momentum,
                positive(a, "beta1", d.beta1(), true, 1), positive(a, "beta2", d.beta2(), true, 1),
                positive(a, "alpha", d.alpha(), true, 1), positive(a, "eps", d.eps(), false, 1),
                positive(a, "weight_decay", d.weightDecay(), true, Double.MAX_VALUE));
    }

    /** A hyperparameter in {@code [0, below)} (or {@code (0, below)} unless {@code zeroAllowed}). */
    private static double positive(Args a, String name, double fallback, boolean zeroAllowed, double below) {
        if (!a.given(name)) {
            return fallback;
        }
        double v = a.number(name);
        if (v < 0 || (v == 0 && !zeroAllowed) || v >= below) {
            throw new ElabError(a.span(name), name + " must be " + (zeroAllowed ? ">= 0" : "> 0")
                    + (below < Double.MAX_VALUE ? " and < " + below : "") + ", got " + v);
        }
        return v;
    }

    static TrainConfig.Schedule schedule(Expr e) {
        Form f = form(e, SCHEDULES.keySet(), "schedule");
        TrainConfig.Schedule.Kind kind = SCHEDULES.get(f.name());
        return switch (kind) {
            case CONSTANT, COSINE -> {
                args(f, List.of(), Map.of());
                yield new TrainConfig.Schedule(kind, 1, 1, 0);
            }
            case STEP -> {
                Args a = args(f, List.of("every", "gamma"), Map.of());
                int every = a.given("every") ? a.integer("every") : 10;
                if (every < 1) {
                    throw new ElabError(a.span("every"), "every must be at least 1 epoch, got " + every);
                }
                yield new TrainConfig.Schedule(kind, positive(a, "gamma", 0.1, false, Double.MAX_VALUE), every, 0);
            }
            case EXPONENTIAL -> {
                Args a = args(f, List.of("gamma"), Map.of());
                yield new TrainConfig.Schedule(kind, positive(a, "gamma", 0.95, false, Double.MAX_VALUE), 1, 0);
            }
        };
    }
}
