package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.CompiledModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Opcodes;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Classes generated for a jar: in the package asked for, with a constructor reading the manifest, and for
 * inference only without training kernels; all pass the verifier and keep the model's source file.
 */
class EmitTargetTest {

    @ParameterizedTest(name = "inferenceOnly={0}")
    @ValueSource(booleans = {false, true})
    void classesForAJar_verify_keepTheSourceFile_andPredictLikeInProcessOnes(boolean inferenceOnly) throws Exception {
        ModelIr model = Compiler.compileFile(Path.of("../samples/digits_bn.nabla")).models().get(0);
        ModelClasses jar = ModelCompiler.compile(model, model.config().optimizer(), java.util.Set.of(),
                new EmitTarget("com.example.DigitsBnKernels", "DigitsBn.model.json", inferenceOnly));
        Harness.assertClassesVerify(jar);
        assertTrue(jar.classes().keySet().stream().allMatch(n -> n.startsWith("com.example.DigitsBnKernels")),
                jar.classes().keySet().toString());
        assertEquals("digits_bn.nabla", sourceFile(jar.classes().get("com.example.DigitsBnKernels$S0")));
        ModelClassLoader loader = new ModelClassLoader(getClass().getClassLoader(), jar.classes());
        Class<?> main = loader.loadClass("com.example.DigitsBnKernels");
        assertEquals(2, main.getConstructors().length, "ModelSpec and the manifest-reading no-argument constructor");
        assertEquals(inferenceOnly, jar.spec().indicesOf(BufferRole.GRAD).isEmpty());
        assertEquals(!inferenceOnly, jar.listing().contains("trainStep:"));

        ModelClasses inProcess = ModelCompiler.compile(model, model.config().optimizer());
        CompiledModel a = (CompiledModel) main.getConstructor(dev.nabla.runtime.ModelSpec.class).newInstance(jar.spec());
        CompiledModel b = inProcess.load();
        float[][] ba = Harness.randomBuffers(jar.spec(), 7, 3);
        float[][] bb = inProcess.spec().allocate(7);
        for (int i = 0; i < bb.length; i++) {
            int j = jar.spec().indexOf(inProcess.spec().buffers().get(i).name());
            if (j >= 0 && inProcess.spec().buffers().get(i).role() != BufferRole.TEMP) {
                bb[i] = ba[j].clone();
            }
        }
        a.predict(ba, 7);
        b.predict(bb, 7);
        String out = "probs";
        assertArrayEquals(bb[inProcess.spec().indexOf(out)], ba[jar.spec().indexOf(out)]);
        assertFalse(Arrays.equals(new float[ba[jar.spec().indexOf(out)].length], ba[jar.spec().indexOf(out)]));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Digits", "2fast", "with-dash"})
    void identifiers(String name) {
        Map<String, String> want = Map.of("Digits", "Digits", "2fast", "M2fast", "with-dash", "with_dash");
        assertEquals(want.get(name), EmitTarget.identifier(name));
    }

    private static String sourceFile(byte[] bytes) {
        String[] file = new String[1];
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visitSource(String source, String debug) {
                file[0] = source;
            }
        }, 0);
        return file[0];
    }
}
