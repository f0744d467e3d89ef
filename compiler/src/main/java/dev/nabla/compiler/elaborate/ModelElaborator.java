package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.diag.Diagnostics;
import dev.nabla.compiler.diag.Suggestions;
import dev.nabla.compiler.ir.DType;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;
import dev.nabla.compiler.syntax.Decl;
import dev.nabla.compiler.syntax.Stmt;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.TrainConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Elaborates one model: declarations in order (the loss last, so regularizers see every parameter),
 * then the train block, then the split into training and inference graphs. Each statement that fails is
 * reported and the rest are still checked.
 *
 * <p>The model is elaborated twice, once per graph, with the builtin {@code training} true and then false:
 * a compile-time {@code if training} picks different statements in each, and {@code update} only exists in the
 * first. Both passes declare parameters and state in the same order, so they are named alike; a mistake both
 * passes make is reported once (Diagnostics drops duplicates).
 */
final class ModelElaborator {

    private static final List<String> DTYPES = List.of("f32", "i32");

    private final Decl.Model model;
    private final String file;
    private final Diagnostics diagnostics;
    private final GraphBuilder graph;
    private final Evaluator evaluator;
    private final Env env;
    private final Map<String, Integer> classes = new LinkedHashMap<>();
    private final Map<String, Span> outputSpans = new LinkedHashMap<>();
    private boolean hasTargets;

    private ModelElaborator(Decl.Model model, String file, Env globals, Diagnostics diagnostics, boolean training) {
        this.model = model;
        this.file = file;
        this.diagnostics = diagnostics;
        this.graph = new GraphBuilder(model.name() + ".train");
        this.evaluator = new Evaluator(graph, training, diagnostics);
        this.env = new Env(globals);
    }

    static Optional<ModelIr> elaborate(Decl.Model model, String file, Env globals, Diagnostics diagnostics) {
        int errorsBefore = diagnostics.errorCount();
        ModelElaborator train = new ModelElaborator(model, file, globals, diagnostics, true);
        Graph trainAll = train.graph();
        ModelElaborator inference = new ModelElaborator(model, file, globals, diagnostics, false);
        Graph inferenceAll = inference.graph();
        if (diagnostics.errorCount() > errorsBefore) {
            return Optional.empty();
        }
        Map<String, Span> outputSpans = new LinkedHashMap<>(train.outputSpans);
        outputSpans.putAll(inference.outputSpans);
        GraphFinisher.Graphs graphs = GraphFinisher.split(trainAll, inferenceAll, model.name(), outputSpans, diagnostics);
        if (diagnostics.errorCount() > errorsBefore) {
            return Optional.empty();
        }
        return Optional.of(new ModelIr(model.name(), file, graphs.train(), graphs.inference(), train.config,
                train.classes, graphs.evaluation()));
    }

    private TrainConfig config = TrainConfig.EMPTY;

    /** One pass: every statement, the loss last; the training pass also reads the train block and checks completeness. */
    private Graph graph() {
        Stmt.Loss loss = null;
        Stmt.Train train = null;
        for (Stmt s : model.body()) {
            if (s instanceof Stmt.Loss l) {
                loss = once(loss, l);
            } else if (s instanceof Stmt.Train t) {
                train = once(train, t);
            } else {
                guarded(() -> statement(s));
            }
        }
        if (loss != null) {
            Stmt.Loss l = loss;
            guarded(() -> loss(l));
        }
        if (evaluator.training()) {
            config = train == null ? TrainConfig.EMPTY : new TrainBlockReader(file, model, diagnostics).read(train);
            checkComplete(loss != null);
        }
        return evaluator.names().apply(graph.build());
    }

    private <S extends Stmt> S once(S earlier, S next) {
        if (earlier != null) {
            diagnostics.error(next.span(), "a model has one '" + Statements.keyword(next) + "' (the first is "
                    + Evaluator.where(earlier.span(), next.span()) + ")");
            return earlier;
        }
        return next;
    }

    private void checkComplete(boolean hasLoss) {
        if (outputSpans.isEmpty() && model.body().stream().noneMatch(s -> s instanceof Stmt.Output)) {
            diagnostics.error(model.span(), "model '" + model.name() + "' has no output");
        }
        if (hasTargets && !hasLoss) {
            diagnostics.error(model.span(), "model '" + model.name() + "' has a target but no 'loss'");
        }
    }

    private void guarded(Runnable statement) {
        try {
            statement.run();
        } catch (ElabError e) {
            if (!e.isSilent()) {
                diagnostics.error(e.span(), e.getMessage());
                e.calledFrom().forEach(call -> diagnostics.note(call, "called from here"));
            }
        }
    }

    private void statement(Stmt s) {
        if (s instanceof Stmt.Input i) {
            evaluator.define(env, i.name(), i.span());
            declare(i.name(), i.span(), type(i.type(), false), Graph.InputRole.INPUT);
        } else if (s instanceof Stmt.Target t) {
            target(t);
        } else if (s instanceof Stmt.Param p) {
            evaluator.param(p, env);
        } else if (s instanceof Stmt.State st) {
            evaluator.state(st, env);
        } else if (s instanceof Stmt.Update u) {
            evaluator.update(u, env);
        } else if (s instanceof Stmt.If i) {
            for (Stmt chosen : Branches.choose(i, evaluator, env)) {
                guarded(() -> statement(chosen));
            }
        } else if (s instanceof Stmt.Let l) {
            evaluator.let(l.name(), l.span(), l.value(), env);
        } else if (s instanceof Stmt.Output o) {
            output(o);
        } else if (s instanceof Stmt.Loss || s instanceof Stmt.Train) {
            throw new ElabError(s.span(), "'" + Statements.keyword(s) + "' cannot be inside 'if': a model has one, the same"
                    + " in both graphs");
        } else {
            throw new ElabError(s.span(), "'" + Statements.keyword(s) + "' is only allowed in a definition");
        }
    }

    /** Binds an input or target whose name {@link Evaluator#define} reserved (as poison, should its type be wrong). */
    private Value declare(String name, Span span, TensorType type, Graph.InputRole role) {
        Value v = evaluator.input(name, type, role, null, span);
        env.replace(name, new Val.Tensor(v));
        return v;
    }

    private void target(Stmt.Target t) {
        hasTargets = true;
        evaluator.define(env, t.name(), t.span());
        TensorType type = type(t.type(), true);
        if (type.dtype() == DType.I32 && t.classes() == null) {
            throw new ElabError(t.span(), "integer target '" + t.name() + "' needs its number of classes: "
                    + "'target " + t.name() + " : i32[...] classes K'");
        }
        if (type.dtype() == DType.F32 && t.classes() != null) {
            throw new ElabError(t.classesSpan(), "'classes' is only for integer (i32) targets");
        }
        if (t.classes() != null && t.classes() < 2) {
            throw new ElabError(t.classesSpan(), "a classification target needs at least 2 classes, got " + t.classes());
        }
        if (t.binary() && !oneScorePerSample(t.type())) {
            throw new ElabError(t.span(), "a binary target holds one 0/1 (or -1/+1) value per sample: "
                    + "'target " + t.name() + " : f32[B] binary' or f32[B, 1]");
        }
        Value v = declare(t.name(), t.span(), type, Graph.InputRole.TARGET);
        if (t.binary()) {
            // Recorded like a class count so the runtime reports accuracy from the model's one-wide output.
            classes.put(t.name(), BufferSpec.BINARY);
        }
        if (t.classes() != null) {
            classes.put(t.name(), t.classes());
            evaluator.declareClasses(v, t.classes());
        }
    }

    /** {@code f32[B]} or {@code f32[B, 1]}: what a binary target and its one logit per sample need. */
    private static boolean oneScorePerSample(Stmt.TypeRef ref) {
        List<Stmt.Dim> dims = ref.dims();
        return ref.dtype().equals("f32") && !dims.isEmpty() && dims.get(0).symbolic()
                && (dims.size() == 1 || dims.size() == 2 && !dims.get(1).symbolic() && dims.get(1).size() == 1);
    }

    /** {@code f32[B, 4]}: the element type, then dimensions; a name is allowed first only, as the batch. */
    private TensorType type(Stmt.TypeRef ref, boolean integersAllowed) {
        if (!DTYPES.contains(ref.dtype())) {
            throw new ElabError(ref.span(), "unknown element type '" + ref.dtype() + "'"
                    + Suggestions.didYouMean(ref.dtype(), DTYPES) + " (f32 for real values, i32 for class labels)");
        }
        DType dtype = ref.dtype().equals("f32") ? DType.F32 : DType.I32;
        if (dtype == DType.I32 && !integersAllowed) {
            throw new ElabError(ref.span(), "inputs are f32; only targets can hold integer class labels");
        }
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < ref.dims().size(); i++) {
            Stmt.Dim d = ref.dims().get(i);
            if (d.symbolic()) {
                batch(d, i);
                dims.add(Shape.BATCH);
            } else if (d.size() < 1) {
                throw new ElabError(d.span(), "dimensions must be positive, got " + d.size());
            } else {
                dims.add(d.size());
            }
        }
        return new TensorType(dtype, ShapeArgs.checked(dims, ref.span()));
    }

    /** The batch symbol is bound in the model, so shapes like {@code reshape(x, [B, 8, 8])} can name it. */
    private void batch(Stmt.Dim d, int axis) {
        if (axis != 0) {
            throw new ElabError(d.span(), "only the first dimension can be the symbolic batch '" + d.symbol()
                    + "'; the others must be numbers");
        }
        Optional<Env.Binding> earlier = env.lookupHere(d.symbol());
        if (earlier.isEmpty()) {
            env.define(d.symbol(), new Val.Batch(d.symbol()), d.span());
        } else if (!(earlier.get().val() instanceof Val.Batch)) {
            throw new ElabError(d.span(), "'" + d.symbol() + "' is already defined ("
                    + Evaluator.where(earlier.get().declared(), d.span()) + "), so it cannot name the batch dimension");
        }
    }

    private void output(Stmt.Output o) {
        Val v = evaluator.let(o.name(), o.span(), o.value(), env);
        if (!(v instanceof Val.Tensor t)) {
            throw new ElabError(o.value().span(), "output '" + o.name() + "' must be a tensor, got " + v.describe());
        }
        graph.output(o.name(), t.value(), Graph.OutputRole.OUTPUT);
        outputSpans.put(o.name(), o.span());
    }

    private void loss(Stmt.Loss l) {
        Val v = evaluator.let("loss", l.span(), l.value(), env);
        if (!(v instanceof Val.Tensor t)) {
            throw new ElabError(l.value().span(), "the loss must be a tensor computed from the model, got " + v.describe());
        }
        if (!t.value().shape().isScalar()) {
            throw new ElabError(l.value().span(), "the loss must be a scalar, got " + t.value().type()
                    + "; reduce it with mean(...) or sum(...)");
        }
        graph.output("loss", t.value(), Graph.OutputRole.LOSS);
    }
}
