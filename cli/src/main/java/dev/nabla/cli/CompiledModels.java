package dev.nabla.cli;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.codegen.EmitTarget;
import dev.nabla.compiler.codegen.ModelCompiler;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.OptimizerSpec;

import java.util.Locale;

/** Compiles a checked model to bytecode and loads it, with the optimizer the command line may override. */
final class CompiledModels {

    private CompiledModels() {
    }

    static CompiledModel load(ModelIr model, String optimizerName) {
        return load(model, optimizerName, java.util.Set.of());
    }

    /** Compiled without the optimization passes named in {@code disabledPasses}. */
    static CompiledModel load(ModelIr model, String optimizerName, java.util.Set<String> disabledPasses) {
        return load(model, optimizerName, disabledPasses, false, false);
    }

    /**
     * As above; with {@code health}, the training kernels also measure gradient health (what nabla train reports);
     * with {@code profile}, every kernel call is timed ({@code train --profile}).
     */
    static CompiledModel load(ModelIr model, String optimizerName, java.util.Set<String> disabledPasses, boolean health,
                              boolean profile) {
        EmitTarget target = EmitTarget.inProcess(model.name()).withHealth(health);
        return ModelCompiler.compile(model, optimizer(model, optimizerName), disabledPasses,
                profile ? target.profiled() : target).load();
    }

    /** The train block's optimizer, or the named one with PyTorch's defaults (its rule is compiled into the model). */
    static OptimizerSpec optimizer(ModelIr model, String name) {
        if (name == null) {
            return model.config().optimizer();
        }
        OptimizerSpec.Kind kind = OptimizerSpec.NAMES.get(name.toLowerCase(Locale.ROOT));
        if (kind == null) {
            throw new UserError("unknown optimizer '" + name + "' (" + String.join(", ", OptimizerSpec.NAMES.keySet()) + ")");
        }
        return OptimizerSpec.defaults(kind);
    }
}
