package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.SpecLayout;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.health.ActivityProbes;
import dev.nabla.compiler.health.HealthBuffers;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.lower.Buf;
import dev.nabla.compiler.lower.Lowering;
import dev.nabla.compiler.lower.MemoryPlan;
import dev.nabla.compiler.lower.Program;
import dev.nabla.compiler.lower.UpdateLowering;
import dev.nabla.compiler.passes.Passes;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.train.GradientHealth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Compiles a model to JVM classes: lowers the inference graph ({@code predict}), the training graph with its
 * gradients ({@code trainStep}), the optimizer ({@code update}) and, when the model has a loss, the inference graph
 * with the loss ({@code evaluate}) to loop IR with one shared memory plan, then emits bytecode; {@code trainAndUpdate}
 * runs trainStep's kernels with each parameter's update placed after its gradient ({@link UpdateSchedule}).
 */
public final class ModelCompiler {

    private ModelCompiler() {
    }

    /**
     * Compiles {@code model}, differentiating its training graph with {@link Autodiff} for trainStep, with every
     * optimization pass ({@link Passes}).
     */
    public static ModelClasses compile(ModelIr model, OptimizerSpec optimizer) {
        return compile(model, optimizer, Set.of());
    }

    /** As {@link #compile(ModelIr, OptimizerSpec)}, without the passes named in {@code disabledPasses}. */
    public static ModelClasses compile(ModelIr model, OptimizerSpec optimizer, Set<String> disabledPasses) {
        return compile(model, optimizer, disabledPasses, EmitTarget.inProcess(model.name()));
    }

    /**
     * As {@link #compile(ModelIr, OptimizerSpec, Set)}, into the classes {@code target} names (only predict, and no
     * training graph to differentiate, when it is inference-only).
     */
    public static ModelClasses compile(ModelIr model, OptimizerSpec optimizer, Set<String> disabledPasses,
                                       EmitTarget target) {
        Graph train = model.train();
        ModelIr optimized = new ModelIr(model.name(), model.sourceFile(), train,
                Passes.run(model.inference(), disabledPasses), model.config(), model.targetClasses(),
                model.evaluation() == null ? null : Passes.run(model.evaluation(), disabledPasses));
        if (target.inferenceOnly()) {
            return lowerAndEmit(optimized, optimizer, null, target);
        }
        boolean hasGrads = !train.outputs(Graph.OutputRole.GRAD).isEmpty() || train.inputs(Graph.InputRole.PARAM).isEmpty();
        Graph withGrads = hasGrads || !model.trainable() ? train : Autodiff.gradients(train);
        if (measuresHealth(model, target)) {
            withGrads = ActivityProbes.instrument(train, withGrads);
        }
        return lowerAndEmit(optimized, optimizer, Passes.run(withGrads, disabledPasses), target);
    }

    /**
     * Compiles {@code model} with {@code trainWithGrads} (its training graph extended with GRAD outputs) as trainStep.
     * A model without a loss has nothing to differentiate: its trainStep computes the outputs, and the runtime, which
     * finds no LOSS buffer, refuses to train it.
     */
    public static ModelClasses compile(ModelIr model, OptimizerSpec optimizer, Graph trainWithGrads) {
        return lowerAndEmit(model, optimizer, trainWithGrads, EmitTarget.inProcess(model.name()));
    }

    private static boolean measuresHealth(ModelIr model, EmitTarget target) {
        return target.health() && !target.inferenceOnly() && model.trainable();
    }

    /** {@code trainWithGrads} is null for an inference-only target. */
    private static ModelClasses lowerAndEmit(ModelIr model, OptimizerSpec optimizer, Graph trainWithGrads,
                                             EmitTarget target) {
        List<BufferSpec> buffers = new ArrayList<>(SpecLayout.interfaceBuffers(model, optimizer));
        if (target.inferenceOnly()) {
            buffers.removeIf(b -> b.role() == BufferRole.GRAD || b.role() == BufferRole.OPT_STATE);
        }
        if (measuresHealth(model, target)) {
            buffers.addAll(HealthBuffers.of(trainWithGrads));
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < buffers.size(); i++) {
            index.put(buffers.get(i).name(), i);
        }
        Function<Graph.Output, String> outputBuffer = o -> switch (o.role()) {
            case LOSS -> SpecLayout.LOSS;
            case GRAD -> SpecLayout.gradName(o.name());
            default -> o.name();
        };
        MemoryPlan plan = new MemoryPlan(buffers.size());
        List<Program> programs = new ArrayList<>();
        UpdateSchedule schedule = null;
        if (target.inferenceOnly()) {
            programs.add(Lowering.lower("predict", model.inference(), index, outputBuffer, plan));
        } else {
            checkGradients(trainWithGrads, index);
            Program train = Lowering.lower("trainStep", trainWithGrads, index, outputBuffer, plan);
            Program predict = Lowering.lower("predict", model.inference(), index, outputBuffer, plan);
            Program update = UpdateLowering.lower(optimizer, updateBuffers(model, optimizer, buffers, index));
            programs.addAll(List.of(predict, train, update));
            schedule = UpdateSchedule.plan(train, update,
                    update.kernels().stream().map(UpdateSchedule::buffersOf).toList());
            if (model.evaluation() != null) {
                programs.add(Lowering.lower("evaluate", model.evaluation(), index, outputBuffer, plan));
            }
        }
        buffers.addAll(plan.tempBuffers());
        ModelSpec spec = new ModelSpec(model.name(), model.sourceFile(), buffers, optimizer, model.config());
        String file = java.nio.file.Path.of(model.sourceFile()).getFileName().toString();
        LazyClasses classes = new LazyClasses(new ClassEmitter(model.name(), file, target, programs, schedule));
        return new ModelClasses(spec, target.mainClass(), classes, programs, schedule, plan.tempHolders());
    }

    private static void checkGradients(Graph train, Map<String, Integer> index) {
        List<String> have = train.outputs(Graph.OutputRole.GRAD).stream().map(Graph.Output::name).toList();
        for (Graph.Input p : train.inputs(Graph.InputRole.PARAM)) {
            if (!have.contains(p.value().name()) && !train.outputs(Graph.OutputRole.LOSS).isEmpty()) {
                throw new IllegalArgumentException("training graph " + train.name() + " has no GRAD output for parameter "
                        + p.value().name() + " (run Autodiff.gradients first)");
            }
        }
        for (Graph.Output o : train.outputs()) {
            String name = o.role() == Graph.OutputRole.GRAD ? SpecLayout.gradName(o.name())
                    : o.role() == Graph.OutputRole.LOSS ? SpecLayout.LOSS : o.name();
            if (!index.containsKey(name)) {
                throw new IllegalArgumentException("output " + o.name() + " has no buffer " + name);
            }
        }
    }

    private static List<UpdateLowering.ParamBuffers> updateBuffers(ModelIr model, OptimizerSpec optimizer,
                                                                   List<BufferSpec> buffers, Map<String, Integer> index) {
        List<UpdateLowering.ParamBuffers> out = new ArrayList<>();
        for (Graph.Input p : model.train().inputs(Graph.InputRole.PARAM)) {
            String name = p.value().name();
            int pi = index.get(name);
            List<Buf> state = new ArrayList<>();
            for (int slot = 0; slot < optimizer.stateSlots(); slot++) {
                String s = SpecLayout.optStateName(slot, name);
                state.add(new Buf(index.get(s), s));
            }
            String g = SpecLayout.gradName(name);
            BufferSpec spec = buffers.get(pi);
            if (spec.role() != BufferRole.PARAM) {
                throw new IllegalStateException(name + " is not a PARAM buffer");
            }
            Integer statsIndex = index.get(GradientHealth.updateName(name));
            Buf stats = statsIndex == null ? null : new Buf(statsIndex, GradientHealth.updateName(name));
            out.add(new UpdateLowering.ParamBuffers(new Buf(pi, name), new Buf(index.get(g), g), state, spec, p.span(),
                    stats));
        }
        return out;
    }
}
