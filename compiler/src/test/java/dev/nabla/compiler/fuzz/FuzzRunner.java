package dev.nabla.compiler.fuzz;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.codegen.ModelClasses;
import dev.nabla.compiler.codegen.ModelCompiler;
import dev.nabla.compiler.ir.IrPrinter;
import dev.nabla.compiler.ir.Verifier;
import dev.nabla.runtime.NablaException;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * One input through every stage: parse and elaboration (the front end), the verifier, autodiff, the passes and
 * lowering, bytecode emission, class loading, then one predict, trainStep and update compared with the reference
 * interpreter ({@link Differential}). Anything thrown is classified by {@link Outcome}.
 */
final class FuzzRunner {

    /** The file name inputs are compiled under; imports would resolve against the working directory. */
    static final String FILE = "fuzz.nabla";

    /**
     * Models already compiled and checked in this JVM, by their graphs without source positions and their optimizer:
     * most mutants that compile differ from their sample only in a comment, a train-block value or a line's place,
     * and the same graphs need not be compiled and run again.
     */
    private static final Set<String> CHECKED = ConcurrentHashMap.newKeySet();
    private static final int MAX_CHECKED = 50_000;
    private static final Pattern SPAN = Pattern.compile("\\s+@(grad )?\\S+:\\d+:\\d+");

    private FuzzRunner() {
    }

    private static String key(ModelIr m, boolean vector) {
        String graphs = IrPrinter.print(m.train()) + IrPrinter.print(m.inference());
        return vector + " " + m.config().optimizer() + "\n" + SPAN.matcher(graphs).replaceAll("");
    }

    /** @param vector which kernel family to load the classes with (the campaign alternates) */
    static Outcome run(String source, boolean vector, long seed) {
        try {
            Compilation c = Compiler.compileSource(FILE, source);
            if (!c.ok()) {
                return Outcome.ofRejection(c, source);
            }
            if (c.models().isEmpty()) {
                return Outcome.OK;
            }
            for (ModelIr m : c.models()) {
                Verifier.verify(m.train());
                Verifier.verify(m.inference());
                String key = key(m, vector);
                if (CHECKED.contains(key)) {
                    continue;
                }
                ModelClasses classes;
                try {
                    classes = ModelCompiler.compile(m, m.config().optimizer());
                } catch (NablaException e) {
                    return new Outcome(Outcome.Kind.UNPOSITIONED_ERROR, Outcome.clip(e.getMessage()));
                }
                Outcome compared = Differential.check(m, classes, vector, seed);
                if (compared.kind() != Outcome.Kind.OK) {
                    return compared;
                }
                if (CHECKED.size() < MAX_CHECKED) {
                    CHECKED.add(key);
                }
            }
            return Outcome.OK;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError | LinkageError | AssertionError e) {
            return Outcome.ofThrowable(e);
        }
    }
}
