package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.KernelProfile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A profiling build ({@code train --profile}) times every kernel call of the family that runs, computes what a
 * normal build computes, and passes the verifier; a normal build has no timing code at all.
 */
class ProfiledBuildTest {

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void everyKernelCall_isCountedOnce_andTheResultsAreThoseOfANormalBuild(boolean vector) {
        ModelIr model = Compiler.compileFile(Path.of("../samples/digits_bn.nabla")).models().get(0);
        ModelClasses profiled = ModelCompiler.compile(model, model.config().optimizer(), Set.of(),
                EmitTarget.inProcess(model.name()).profiled());
        ModelClasses normal = ModelCompiler.compile(model, model.config().optimizer(), Set.of());
        Harness.assertClassesVerify(profiled);
        assertTrue(mentionsProfile(profiled), "the profiled build's drivers call KernelProfile");
        assertFalse(mentionsProfile(normal), "a normal build has no timing code");

        CompiledModel p = Harness.load(profiled, vector);
        CompiledModel n = Harness.load(normal, vector);
        float[][] bp = Harness.randomBuffers(p.spec(), 8, 3);
        float[][] bn = Harness.copy(bp);
        KernelProfile.reset();
        int steps = 3;
        for (int s = 0; s < steps; s++) {
            p.trainStep(bp, 8);
            n.trainStep(bn, 8);
        }
        p.predict(bp, 8);
        n.predict(bn, 8);
        for (int i = 0; i < bp.length; i++) {
            assertArrayEquals(bn[i], bp[i], "buffer " + p.spec().buffers().get(i).name());
        }
        List<KernelProfile.Row> rows = KernelProfile.snapshot();
        List<KernelProfile.Row> train = rows.stream().filter(r -> r.entry().equals("trainStep")).toList();
        List<KernelProfile.Row> predict = rows.stream().filter(r -> r.entry().equals("predict")).toList();
        assertFalse(train.isEmpty());
        assertFalse(predict.isEmpty());
        assertTrue(train.stream().allMatch(r -> r.calls() == steps), "one call per kernel per step: " + train);
        assertTrue(predict.stream().allMatch(r -> r.calls() == 1), predict.toString());
        assertTrue(rows.stream().allMatch(r -> r.nanos() >= 0 && !r.covers().isEmpty()), rows.toString());
        assertTrue(train.stream().anyMatch(r -> r.covers().contains("= gemm")), "the products are named by what they cover");
        KernelProfile.reset();
        assertEquals(List.of(), KernelProfile.snapshot());
    }

    private static boolean mentionsProfile(ModelClasses mc) {
        return mc.classes().values().stream().anyMatch(bytes -> new String(bytes, StandardCharsets.ISO_8859_1)
                .contains("dev/nabla/runtime/KernelProfile"));
    }
}
