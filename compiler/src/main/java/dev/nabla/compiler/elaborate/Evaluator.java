package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.diag.Diagnostics;
import dev.nabla.compiler.diag.Severity;
import dev.nabla.compiler.diag.Suggestions;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;
import dev.nabla.compiler.shape.ShapeException;
import dev.nabla.compiler.syntax.Decl;
import dev.nabla.compiler.syntax.Expr;
import dev.nabla.compiler.syntax.Stmt;
import dev.nabla.runtime.InitSpec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates expressions of one model into its graph: tensors become instructions, numbers and shapes are
 * folded, calls of definitions are inlined in a fresh scope whose name prefixes their parameters and values.
 */
final class Evaluator implements BuiltinFn.Emitter {

    private static final int MAX_CALL_DEPTH = 100;

    /**
     * Standard-library losses that take logits, and the activation whose output given as their {@code logits} is the
     * mistake of passing probabilities: the loss applies that activation itself, so it would apply it twice. (For
     * cross_entropy, log_softmax's own check says the same; see TensorBuiltins.)
     */
    private static final Map<String, Op> APPLIES_ITSELF = Map.of("binary_cross_entropy", Op.SIGMOID);

    private static final Map<String, Op> OPERATORS = Map.of("+", Op.ADD, "-", Op.SUB, "*", Op.MUL, "/", Op.DIV,
            "@", Op.MATMUL, ">", Op.GREATER, "<", Op.GREATER, "==", Op.EQUAL);

    private final GraphBuilder graph;
    private final ValueNames names = new ValueNames();
    private final List<Value> params = new ArrayList<>();
    /** Parameters and state by scoped name: one namespace, since both become checkpoint tensors. */
    private final Map<String, Span> paramSpans = new HashMap<>();
    private final Set<Value> states = new HashSet<>();
    private final Map<String, Span> updates = new HashMap<>();
    /** The generator's key (seed and step states), declared by the first random draw; and the next stream number. */
    private List<Value> randomKey;
    private int randomStreams;
    /** The value of the builtin {@code training}: which of the model's two graphs is being built. */
    private final boolean training;
    private final Map<String, Integer> unassignedCalls = new HashMap<>();
    private final Map<Value, Integer> targetClasses = new HashMap<>();
    private final Deque<Decl.Def> active = new ArrayDeque<>();
    /** The scope each active call's own scope is nested in, innermost first. */
    private final Deque<String> enclosing = new ArrayDeque<>();
    private String scope = "";
    private String builtin;
    /**
     * While inlining a standard-library definition called from the model's file: that call. Instructions made
     * meanwhile are positioned there, so listings and kernel stack traces point at the model line that uses the
     * layer (a class has one SourceFile; std.nabla lines would be read as lines of the model).
     */
    private Span libraryCall;
    /** The standard-library definition {@link #libraryCall} calls. */
    private String libraryDef;
    private final Diagnostics diagnostics;

    /** What {@link #enter} saves and {@link #leave} restores. */
    record Frame(String scope, String builtin, Span libraryCall, String libraryDef) {
    }

    Evaluator(GraphBuilder graph, boolean training, Diagnostics diagnostics) {
        this.graph = graph;
        this.training = training;
        this.diagnostics = diagnostics;
    }

    ValueNames names() {
        return names;
    }

    // ---- Emitter

    @Override
    public Value emit(Op op, List<Value> args, Attr attr, Span span) {
        String base = builtin != null && !builtin.equals(op.mnemonic()) ? builtin + "." + op.mnemonic() : op.mnemonic();
        try {
            return graph.add(op, args, attr, placed(span), scoped(base));
        } catch (ShapeException e) {
            throw new ElabError(span, e.getMessage());
        }
    }

    @Override
    public Value tensor(Val val, Span span, String what) {
        if (val instanceof Val.Tensor t) {
            return t.value();
        }
        if (val instanceof Val.Num n) {
            return constant(float32(n.value(), span), span);
        }
        if (val instanceof Val.Poison) {
            throw ElabError.silent();
        }
        if (val instanceof Val.Bool) {
            throw new ElabError(span, what + " must be a tensor, got a boolean: true, false and 'training' are known at"
                    + " compile time and only choose statements, as in 'if training { ... } else { ... }'");
        }
        if (val instanceof Val.Batch b) {
            throw new ElabError(span, what + " must be a tensor, but the batch dimension " + b.symbol()
                    + " is only known at run time");
        }
        throw new ElabError(span, what + " must be a tensor, got " + val.describe());
    }

    /**
     * A number that becomes a tensor, whose elements are float32: one that float32 cannot hold, as javac rejects
     * {@code 1e39f} and {@code 1e-50f}, is an error rather than infinity or a silent 0 (which {@code 0 / 1e-320}
     * would make 0 / 0).
     */
    private static double float32(double v, Span span) {
        if (Math.abs(v) > Float.MAX_VALUE) {
            throw new ElabError(span, String.format(Locale.ROOT,
                    "%.3g is too large for f32 (the largest is %s)", v, Float.MAX_VALUE));
        }
        if (v != 0 && (float) v == 0) {
            throw new ElabError(span, String.format(Locale.ROOT,
                    "%.3g is too small for f32: it would be 0 (the smallest is %s)", v, Float.MIN_VALUE));
        }
        return v;
    }

    @Override
    public Value constant(double value, Span span) {
        Value c = graph.constant(value, Shape.SCALAR, placed(span));
        // Lowest priority: a constant is only named after the function that made it, when nothing names it better.
        names.prefer(c, scoped(builtin != null ? builtin + ".c" : "c"), Integer.MAX_VALUE);
        return c;
    }

    @Override
    public Instr producer(Value v) {
        return graph.producer(v);
    }

    @Override
    public void warn(Span span, String message) {
        // both graphs (training and inference) are elaborated: Diagnostics reports the same warning once
        diagnostics.report(Severity.WARNING, libraryCall != null ? libraryCall : span,
                libraryCall != null ? "in '" + libraryDef + "': " + message : message);
    }

    /**
     * Warns when {@code v}, bound to formal {@code logits} of such a loss called at {@code call}, is that activation's
     * output.
     */
    void checkLogits(Decl.Def def, Span call, String formal, Val v) {
        Op applied = APPLIES_ITSELF.get(def.name());
        if (applied == null || !formal.equals("logits") || !Stdlib.FILE.equals(def.span().file())
                || !(v instanceof Val.Tensor t)) {
            return;
        }
        Instr made = graph.producer(t.value());
        if (made != null && made.op() == applied) {
            warn(call, "its logits are a " + applied.mnemonic() + " output (" + applied.mnemonic() + " at line "
                    + made.span().line() + "), and it applies " + applied.mnemonic() + " itself, a second time; pass"
                    + " the logits, the input of that " + applied.mnemonic());
        }
    }

    @Override
    public List<Value> params() {
        return List.copyOf(params);
    }

    @Override
    public java.util.OptionalInt declaredClasses(Value labels) {
        Integer k = targetClasses.get(labels);
        return k == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(k);
    }

    /** Records the classes of an integer target, so one_hot of it can check its depth against them. */
    void declareClasses(Value target, int classes) {
        targetClasses.put(target, classes);
    }

    private Span placed(Span span) {
        return libraryCall != null ? libraryCall : span;
    }

    private String scoped(String name) {
        return scope.isEmpty() ? name : scope + "." + name;
    }

    // ---- declarations shared by models and definitions

    Value input(String name, TensorType type, Graph.InputRole role, InitSpec init, Span span) {
        Value v = graph.input(name, type, role, init, span);
        names.fix(v);
        return v;
    }

    void param(Stmt.Param p, Env env) {
        params.add(declare(p.name(), p.span(), p.shape(), p.init(), Graph.InputRole.PARAM, env));
    }

    /** {@code state NAME : [dims] = INIT}: declared like a parameter, but an input no gradient is taken for. */
    void state(Stmt.State s, Env env) {
        states.add(declare(s.name(), s.span(), s.shape(), s.init(), Graph.InputRole.STATE, env));
    }

    private Value declare(String local, Span span, Expr.ListLit shapeList, Expr initExpr, Graph.InputRole role, Env env) {
        String kind = role == Graph.InputRole.PARAM ? "parameter" : "state";
        define(env, local, span);
        List<Val> dims = shapeList.items().stream().map(e -> eval(e, env)).toList();
        Shape shape = ShapeArgs.of(dims, shapeList.span(), null);
        if (shape.batched()) {
            throw new ElabError(shapeList.span(), "a " + kind + " cannot have the batch dimension: its size is only known at run time");
        }
        InitSpec init = Initializers.of(eval(initExpr, env), initExpr.span());
        String name = scoped(local);
        Span earlier = paramSpans.putIfAbsent(name, span);
        if (earlier != null) {
            throw new ElabError(span, kind + " '" + name + "' is already declared (" + where(earlier, span) + ")");
        }
        Value v = input(name, TensorType.f32(shape), role, init, placed(span));
        env.replace(local, new Val.Tensor(v));
        return v;
    }

    /**
     * {@code update NAME = EXPR}: a STATE_UPDATE output of the training graph, written back when the step ends; the
     * name keeps meaning the state's value at the start of the step. The inference graph skips the statement.
     * Only a state declared in this scope may be updated, once, with a value of its own shape.
     */
    void update(Stmt.Update u, Env env) {
        Env.Binding b = env.lookupHere(u.name()).orElseThrow(() -> new ElabError(u.span(), env.lookup(u.name()).isPresent()
                ? "'" + u.name() + "' is not declared here: only a state declared in the same model or definition can be updated"
                : "unknown name '" + u.name() + "'" + Suggestions.didYouMean(u.name(), env.visibleNames())));
        if (b.val() instanceof Val.Poison) {
            throw ElabError.silent();
        }
        if (!(b.val() instanceof Val.Tensor t) || !states.contains(t.value())) {
            throw new ElabError(u.span(), "'" + u.name() + "' is not a state, so it cannot be updated: only names declared"
                    + " with 'state " + u.name() + " : [...] = INIT' can");
        }
        Value state = t.value();
        Span earlier = updates.get(state.name());
        if (earlier != null) {
            throw new ElabError(u.span(), "state '" + state.name() + "' is already updated (" + where(earlier, u.span()) + ")");
        }
        if (!training) {
            return;
        }
        Value next = tensor(eval(u.value(), env), u.value().span(), "the update of '" + u.name() + "'");
        if (!next.type().equals(state.type())) {
            throw new ElabError(u.value().span(), "the update of state '" + state.name() + "' must have its type "
                    + state.type() + ", got " + next.type() + (next.shape().batched()
                    ? "; reduce the batch axis, e.g. with mean(..., axis = 0)" : ""));
        }
        updates.put(state.name(), u.span());
        names.prefer(next, scoped(u.name()) + ".next", active.size() + 1);
        graph.output(state.name(), next, Graph.OutputRole.STATE_UPDATE);
    }

    @Override
    public boolean training() {
        return training;
    }

    @Override
    public Value draw(Op op, Shape shape, Span span) {
        if (randomKey == null) {
            randomKey = List.of(randomState("seed", InitSpec.Kind.SEED, span), randomState("step", InitSpec.Kind.ZEROS, span));
            if (training) {
                Value next = graph.add(Op.ADD, List.of(randomKey.get(1), constant(1, span)), Attr.NONE, placed(span),
                        "random.step.next");
                graph.output(randomKey.get(1).name(), next, Graph.OutputRole.STATE_UPDATE);
            }
        }
        try {
            return graph.add(op, randomKey, new Attr.Draw(randomStreams++, shape), placed(span), scoped(builtin != null
                    ? builtin + "." + op.mnemonic() : op.mnemonic()));
        } catch (ShapeException e) {
            throw new ElabError(span, e.getMessage());
        }
    }

    /** One of the generator's two key states, model-wide (not scoped): one key serves every draw. */
    private Value randomState(String part, InitSpec.Kind init, Span span) {
        String name = "random." + part;
        Span earlier = paramSpans.putIfAbsent(name, span);
        if (earlier != null) {
            throw new ElabError(span, "'" + name + "' is the random generator's state, but the model declares it ("
                    + where(earlier, span) + ")");
        }
        Value v = input(name, TensorType.f32(Shape.SCALAR), Graph.InputRole.STATE, InitSpec.of(init), placed(span));
        states.add(v);
        return v;
    }

    /** {@code name = expr}: a call assigned directly names the scope of the definition it inlines. */
    Val let(String name, Span span, Expr value, Env env) {
        define(env, name, span);
        Val v = value instanceof Expr.Call c ? call(c, env, name) : eval(value, env);
        if (v instanceof Val.Tensor t) {
            names.prefer(t.value(), scoped(name), active.size());
        }
        env.replace(name, v);
        return v;
    }

    /** Reserves a name in this scope (as poison until its value is known), or reports the earlier one. */
    void define(Env env, String name, Span span) {
        env.define(name, Val.POISON, span).ifPresent(earlier -> {
            throw new ElabError(span, "'" + name + "' is already defined" + (earlier.declared() == null ? ""
                    : " (" + where(earlier.declared(), span) + ")"));
        });
    }

    static String where(Span earlier, Span here) {
        return earlier.file().equals(here.file()) ? "at line " + earlier.line()
                : "at " + earlier.file() + ":" + earlier.line();
    }

    // ---- expressions

    Val eval(Expr e, Env env) {
        if (e instanceof Expr.IntLit i) {
            return new Val.Num(i.value(), true);
        } else if (e instanceof Expr.FloatLit f) {
            return new Val.Num(f.value(), false);
        } else if (e instanceof Expr.StringLit s) {
            return new Val.Str(s.value());
        } else if (e instanceof Expr.BoolLit b) {
            return new Val.Bool(b.value());
        } else if (e instanceof Expr.Training) {
            return new Val.Bool(training);
        } else if (e instanceof Expr.ListLit l) {
            return new Val.ListVal(l.items().stream().map(item -> eval(item, env)).toList());
        } else if (e instanceof Expr.Name n) {
            return lookup(n, env);
        } else if (e instanceof Expr.Neg n) {
            return negate(eval(n.operand(), env), n);
        } else if (e instanceof Expr.Binary b) {
            return binary(b, eval(b.left(), env), eval(b.right(), env));
        } else if (e instanceof Expr.Call c) {
            return call(c, env, null);
        } else if (e instanceof Expr.Index ix) {
            Value x = tensor(eval(ix.target(), env), ix.target().span(), "an indexed value");
            List<Val[]> items = ix.items().stream().map(s -> s.range()
                    ? new Val[] {s.from() == null ? null : eval(s.from(), env), s.to() == null ? null : eval(s.to(), env)}
                    : new Val[] {eval(s.point(), env)}).toList();
            return new Val.Tensor(SequenceBuiltins.index(this, ix, x, items));
        }
        throw new IllegalStateException("unknown expression " + e);
    }

    private static Val lookup(Expr.Name n, Env env) {
        Env.Binding b = env.lookup(n.name()).orElseThrow(() -> new ElabError(n.span(),
                "unknown name '" + n.name() + "'" + Suggestions.didYouMean(n.name(), env.visibleNames())));
        if (b.val() instanceof Val.Poison) {
            throw ElabError.silent();
        }
        return b.val();
    }

    private Val negate(Val v, Expr.Neg n) {
        if (v instanceof Val.Num num) {
            return new Val.Num(-num.value(), num.integral());
        }
        return new Val.Tensor(emit(Op.NEG, List.of(tensor(v, n.span(), "the operand of '-'")), Attr.NONE, n.span()));
    }

    private Val binary(Expr.Binary b, Val l, Val r) {
        if (l instanceof Val.Num x && r instanceof Val.Num y && !b.op().equals("@")) {
            return Folding.fold(b, x, y);
        }
        Op op = OPERATORS.get(b.op());
        Value left = tensor(l, b.left().span(), "the left operand of '" + b.op() + "'");
        Value right = tensor(r, b.right().span(), "the right operand of '" + b.op() + "'");
        List<Value> operands = b.op().equals("<") ? List.of(right, left) : List.of(left, right);
        return new Val.Tensor(emit(op, operands, Attr.NONE, b.span()));
    }

    /** A call; {@code assigned} is the name the call's result is bound to directly, or null. */
    Val call(Expr.Call c, Env env, String assigned) {
        Val callee = eval(c.callee(), env);
        List<Args.Actual> actuals = c.args().stream()
                .map(a -> new Args.Actual(a.name(), eval(a.value(), env), a.span())).toList();
        if (callee instanceof Val.Builtin b) {
            Args args = Args.forBuiltin(b.fn(), actuals, c.span());
            String saved = builtin;
            builtin = b.fn().name();
            try {
                Val result = b.fn().impl().apply(this, args);
                if (result instanceof Val.Tensor t) {
                    // Below any binding: l2(...) in a loss is %l2, but softmax(...) assigned to probs is %probs.
                    names.prefer(t.value(), scoped(b.fn().name()), active.size() + 1);
                }
                return result;
            } finally {
                builtin = saved;
            }
        }
        if (callee instanceof Val.Def d) {
            return new Inliner(this, d, c.span()).inline(actuals, assigned);
        }
        String what = c.callee() instanceof Expr.Name n ? "'" + n.name() + "'" : "this expression";
        throw new ElabError(c.span(), what + " is not a function: it is " + callee.describe());
    }

    // ---- scope management for the inliner

    /** Enters the scope of an inlined call; returns the state to restore. */
    Frame enter(Decl.Def def, Span call, String assigned) {
        if (active.size() >= MAX_CALL_DEPTH) {
            throw new ElabError(call, "calls are nested more than " + MAX_CALL_DEPTH + " deep" + (active.contains(def)
                    ? ": '" + def.name() + "' calls itself; a recursion must end through a compile-time 'if'" : ""));
        }
        Frame saved = new Frame(scope, builtin, libraryCall, libraryDef);
        // A definition calling itself (a step of an unrolled loop, as gru's) is named beside its caller, not inside:
        // h.gru_steps, h.gru_steps_2, ... rather than h.gru_steps.gru_steps...
        boolean selfCall = !active.isEmpty() && active.peek() == def;
        scope = selfCall ? enclosing.peek() : scope;
        String local = assigned != null && !selfCall ? assigned : numbered(def.name());
        enclosing.push(scope);
        if (libraryCall == null && Stdlib.FILE.equals(def.span().file()) && !Stdlib.FILE.equals(call.file())) {
            libraryCall = call;
            libraryDef = def.name();
        }
        scope = scoped(local);
        builtin = null;
        active.push(def);
        return saved;
    }

    void leave(Frame saved) {
        active.pop();
        enclosing.pop();
        scope = saved.scope();
        builtin = saved.builtin();
        libraryCall = saved.libraryCall();
        libraryDef = saved.libraryDef();
    }

    /** dense, dense_2, dense_3, ... per enclosing scope. */
    private String numbered(String def) {
        int n = unassignedCalls.merge(scoped(def), 1, Integer::sum);
        return n == 1 ? def : def + "_" + n;
    }

    /** Names a definition's result after the scope of its call, unless a binding names it better. */
    void nameResult(Val result) {
        if (result instanceof Val.Tensor t) {
            names.prefer(t.value(), scope, active.size());
        }
    }
}
