package dev.nabla.cli;

import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.OptimizerSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CompiledModelsTest {

    @Test
    void optimizerOption_takesExactlyTheLanguagesNames() {
        ModelIr iris = Compiler.compileFile(Path.of("../samples/iris.nabla")).model(null);
        OptimizerSpec.NAMES.forEach((name, kind) -> {
            assertEquals(kind, CompiledModels.optimizer(iris, name).kind(), name);
            assertEquals(kind, CompiledModels.optimizer(iris, name.toUpperCase()).kind(), name);
        });
        assertEquals("unknown optimizer 'adagrad' (sgd, nesterov, adam, adamw, rmsprop)",
                assertThrows(UserError.class, () -> CompiledModels.optimizer(iris, "adagrad")).getMessage());
    }
}
