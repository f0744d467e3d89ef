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
        return ModelCompiler.compile(model, optimizer(model, optimizerName), disabledPasses).load();
    }

    /** As {@link #load(ModelIr, String, java.util.Set)}, with every kernel call timed ({@code train --profile}). */
    static CompiledModel loadProfiled(ModelIr model, String optimizerName, java.util.Set<String> disabledPasses) {
        return ModelCompiler.compile(model, optimizer(model, optimizerName), disabledPasses,
                EmitTarget.inProcess(model.name()).profiled()).load();
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
