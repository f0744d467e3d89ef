package dev.nabla.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.OptimizerSpec;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.SourceInterpreter;
import org.objectweb.asm.tree.analysis.SourceValue;

/**
 * No Vector API call is made on a vector that a loop carries unless it is first cast to the exact vector class
 * ({@code VectorTypes.EXACT.cast}): C2 types such a value, at a loop head or after the loop, as the abstract
 * FloatVector, and compiles the call to its instruction only if its profile names the class, which it did not when it
 * compiled early (the products ran 4 to 20 times slower, allocating; docs/benchmarks.md, "A loop's vectors typed
 * exactly"). A receiver is loop-carried when it is loaded from a local that more than one store reaches, a join of
 * values, as an accumulator's is at its loop head and after its loop.
 */
class LoopCarriedVectorsTest {

    private static final String VECTOR_PACKAGE = "jdk/incubator/vector/";

    /**
     * Every class of the runtime, read from where it was loaded (its classes directory, or its jar in a full build): a
     * vector kernel added later is checked without being listed here.
     */
    @Test
    void runtimeKernelsCastWhatTheirLoopsCarry() throws Exception {
        Path root = Path.of(dev.nabla.runtime.kernels.Gemm.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        List<String> uncast = new ArrayList<>();
        List<String> withVectors = new ArrayList<>();
        try (FileSystem jar = Files.isDirectory(root) ? null : FileSystems.newFileSystem(root)) {
            Path top = jar == null ? root : jar.getPath("/");
            try (Stream<Path> files = Files.walk(top)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    byte[] bytes = Files.readAllBytes(file);
                    uncast.addAll(uncastLoopCarriedReceivers(bytes));
                    if (callsVectorApi(bytes)) {
                        withVectors.add(file.getFileName().toString());
                    }
                }
            }
        }
        assertEquals(List.of(), uncast);
        // the walk found the kernels: the tiles, the matrix-vector and convolution kernels, among others
        assertTrue(withVectors.containsAll(List.of("VectorTiles.class", "TwoVectorTiles.class", "VectorMatVec.class",
                "VectorConvTiles.class", "VectorConv2d.class")), withVectors::toString);
    }

    @Test
    void generatedReductionsCastTheirPartialSums() throws Exception {
        Compilation c = Compiler.compileSource("wide.nabla", NoAllocationTest.WIDE);
        assertTrue(c.ok(), c::render);
        ModelIr model = c.model(null);
        ModelClasses mc = ModelCompiler.compile(model, OptimizerSpec.sgd(0.05, 0.9, 0), Set.of(),
                EmitTarget.inProcess(model.name()));
        int casts = 0;
        List<String> uncast = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : mc.classes().entrySet()) {
            uncast.addAll(uncastLoopCarriedReceivers(e.getValue()));
            casts += exactCasts(e.getValue());
        }
        assertEquals(List.of(), uncast);
        // the model's L2 term and loss are reductions over vectors of partial sums: the check above saw some
        assertTrue(casts > 0, "no partial sum cast to the exact vector class in " + mc.classes().keySet());
    }

    /** Each Vector API call whose receiver is a join of values held in a local, as "Class.method:line". */
    static List<String> uncastLoopCarriedReceivers(byte[] bytes) throws AnalyzerException {
        ClassNode cn = new ClassNode();
        new ClassReader(bytes).accept(cn, 0);
        List<String> found = new ArrayList<>();
        for (MethodNode mn : cn.methods) {
            if ((mn.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
                continue;
            }
            Frame<SourceValue>[] frames = new Analyzer<>(new SourceInterpreter()).analyze(cn.name, mn);
            int line = 0;
            for (int i = 0; i < mn.instructions.size(); i++) {
                AbstractInsnNode insn = mn.instructions.get(i);
                if (insn instanceof LineNumberNode ln) {
                    line = ln.line;
                }
                if (frames[i] == null || !(insn instanceof MethodInsnNode call) || call.getOpcode() == Opcodes.INVOKESTATIC
                        || !call.owner.startsWith(VECTOR_PACKAGE)) {
                    continue;
                }
                Frame<SourceValue> frame = frames[i];
                int receiver = frame.getStackSize() - 1 - Type.getArgumentTypes(call.desc).length;
                for (AbstractInsnNode source : frame.getStack(receiver).insns) {
                    if (source instanceof VarInsnNode load && load.getOpcode() == Opcodes.ALOAD) {
                        int at = mn.instructions.indexOf(load);
                        if (frames[at].getLocal(load.var).insns.size() > 1) {
                            found.add(cn.name + "." + mn.name + ":" + line + " " + call.name);
                        }
                    }
                }
            }
        }
        return found;
    }

    private static boolean callsVectorApi(byte[] bytes) {
        ClassNode cn = new ClassNode();
        new ClassReader(bytes).accept(cn, 0);
        for (MethodNode mn : cn.methods) {
            for (AbstractInsnNode insn : mn.instructions) {
                if (insn instanceof MethodInsnNode call && call.owner.startsWith(VECTOR_PACKAGE)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int exactCasts(byte[] bytes) {
        ClassNode cn = new ClassNode();
        new ClassReader(bytes).accept(cn, 0);
        int n = 0;
        for (MethodNode mn : cn.methods) {
            for (AbstractInsnNode insn : mn.instructions) {
                if (insn instanceof FieldInsnNode f && f.owner.equals("dev/nabla/runtime/kernels/VectorTypes")
                        && f.name.equals("EXACT")) {
                    n++;
                }
            }
        }
        return n;
    }
}
