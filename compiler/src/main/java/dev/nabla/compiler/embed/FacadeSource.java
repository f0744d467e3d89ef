package dev.nabla.compiler.embed;

import dev.nabla.compiler.codegen.EmitTarget;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.checkpoint.Json;
import dev.nabla.runtime.embed.EmbeddedModel;
import dev.nabla.runtime.embed.ModelManifest;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Java source of a model's façade: a thin subclass of {@link EmbeddedModel} whose methods are typed and named
 * after the model's inputs, outputs and targets, with Javadoc taken from the model (source file and lines, shapes,
 * class names, preprocessing). All logic lives in the runtime's base classes.
 */
final class FacadeSource {

    private final ModelManifest manifest;
    private final ModelSpec spec;
    private final Map<String, Integer> lines;
    private final List<BufferSpec> inputs;
    private final List<BufferSpec> outputs;
    private final List<BufferSpec> targets;
    private final String simple;
    private final StringBuilder out = new StringBuilder();

    private FacadeSource(ModelManifest manifest, Map<String, Integer> lines) {
        this.manifest = manifest;
        this.spec = manifest.spec();
        this.lines = lines;
        this.inputs = of(BufferRole.INPUT);
        this.outputs = of(BufferRole.OUTPUT);
        this.targets = of(BufferRole.TARGET);
        this.simple = manifest.facade().substring(manifest.facade().lastIndexOf('.') + 1);
    }

    /** @param lines the line of each input and output declaration, by name */
    static String generate(ModelManifest manifest, Map<String, Integer> lines) {
        FacadeSource f = new FacadeSource(manifest, lines);
        f.file();
        return f.out.toString();
    }

    private List<BufferSpec> of(BufferRole role) {
        return spec.buffers().stream().filter(b -> b.role() == role).toList();
    }

    private void line(String text) {
        out.append(text).append('\n');
    }

    private void file() {
        String pkg = manifest.facade().substring(0, manifest.facade().lastIndexOf('.'));
        line("package " + pkg + ";");
        line("");
        line("import dev.nabla.runtime.embed.EmbeddedModel;");
        line("import dev.nabla.runtime.embed.ModelTrainer;");
        line("import dev.nabla.runtime.train.TrainOptions;");
        line("import dev.nabla.runtime.train.TrainResult;");
        line("");
        line("import java.nio.file.Path;");
        line("import java.util.List;");
        line("import java.util.Objects;");
        line("");
        classDoc();
        line("public final class " + simple + " extends EmbeddedModel {");
        constants();
        line("");
        line("    private " + simple + "(Path checkpoint) {");
        line("        super(" + simple + ".class, checkpoint);");
        line("    }");
        loaders();
        predictors();
        if (EmbeddedModel.classOutput(spec) >= 0 && inputs.size() == 1) {
            classifiers();
        }
        if (!manifest.inferenceOnly() && !targets.isEmpty()) {
            trainer();
        }
        line("}");
    }

    private void classDoc() {
        line("/**");
        line(" * Model {@code " + manifest.model() + "}, compiled from " + html(manifest.sourceFile())
                + (manifest.sourceLine() > 0 ? " (line " + manifest.sourceLine() + ")" : "") + " by Nabla "
                + manifest.compilerVersion() + (manifest.inferenceOnly() ? " for inference only" : "") + ".");
        line(" *");
        line(" * <ul>");
        for (BufferSpec b : inputs) {
            line(" * <li>Input {@code " + b.name() + "}" + at(b) + ": {@code " + shape(b) + "}, " + b.rowSize()
                    + " values per example, raw: " + preprocessing() + "</li>");
        }
        for (int o = 0; o < outputs.size(); o++) {
            BufferSpec b = outputs.get(o);
            line(" * <li>Output {@code " + b.name() + "}" + at(b) + ": {@code " + shape(b) + "}, " + b.rowSize()
                    + " values per example: {@link #" + predictName(o) + "(" + floatParams() + ")}</li>");
        }
        for (BufferSpec t : targets) {
            line(" * <li>Target {@code " + t.name() + "}: " + describeTarget(t) + "</li>");
        }
        line(" * </ul>");
        line(" *");
        line(" * <p>Weights: " + (manifest.weights() != null ? "the resource {@code " + manifest.weights()
                + "} beside this class ({@link #load()}), or a checkpoint ({@link #load(Path)})."
                : "none in the jar: load a checkpoint with {@link #load(Path)}."));
        if (!manifest.inferenceOnly() && !targets.isEmpty()) {
            line(" * Fine-tuning: {@link #trainer(TrainOptions)}, with the optimizer compiled in ("
                    + spec.optimizer().kind().name().toLowerCase(Locale.ROOT) + ").");
        }
        line(" *");
        line(" * <p>Threads: {@code predict} and {@code classify} may run on any number of threads at once (each thread");
        line(" * computes in scratch buffers of its own; the weights are shared and only read). Fine-tuning replaces the");
        line(" * weights all at once when {@code fit} returns; a {@code predict} meanwhile uses the weights from before.");
        line(" * After a thread's first call of a given batch size, predicting into the caller's array allocates nothing.");
        line(" *");
        line(" * <p>Generated by {@code nabla compile}; do not edit.");
        line(" */");
    }

    private String preprocessing() {
        List<String> steps = spec.train().preprocess();
        if (manifest.weights() == null) {
            return "the preprocessing stored with the checkpoint loaded is applied here";
        }
        return manifest.preprocess().isEmpty() || steps.isEmpty() ? "no preprocessing"
                : "the preprocessing the weights were trained with (" + String.join(", then ", steps) + ") is applied here";
    }

    private String at(BufferSpec b) {
        Integer l = lines.get(b.name());
        return l == null || l <= 0 ? "" : " (line " + l + ")";
    }

    private String describeTarget(BufferSpec t) {
        if (t.binary()) {
            return "{@code " + shape(t) + "} binary (0/1 or -1/+1); {@code classify} gives 1 when the score is above 0";
        }
        if (t.classes() == 0) {
            return "{@code " + shape(t) + "}, " + t.rowSize() + " real values per example";
        }
        StringBuilder s = new StringBuilder("{@code " + shape(t) + "}, " + t.classes() + " classes");
        List<String> names = manifest.classNames();
        if (names.size() == t.classes()) {
            for (int c = 0; c < names.size(); c++) {
                s.append(c == 0 ? ": " : ", ").append(c).append(" = ").append(html(names.get(c)));
            }
        }
        return s.toString();
    }

    private void constants() {
        for (BufferSpec b : inputs) {
            constant("input", b);
        }
        for (BufferSpec b : outputs) {
            constant("output", b);
        }
        if (!manifest.classNames().isEmpty()) {
            line("");
            line("    /** The class names the training data gives, in label order. */");
            StringBuilder s = new StringBuilder("    public static final List<String> CLASS_NAMES = List.of(");
            for (int c = 0; c < manifest.classNames().size(); c++) {
                s.append(c > 0 ? ", " : "").append(javaString(manifest.classNames().get(c)));
            }
            line(s.append(");").toString());
        }
    }

    private void constant(String what, BufferSpec b) {
        line("");
        line("    /** Values per example of " + what + " {@code " + b.name() + "} ({@code " + shape(b) + "}). */");
        line("    public static final int " + constantName(b.name()) + "_SIZE = " + b.rowSize() + ";");
    }

    private void loaders() {
        out.append("""

                    /**
                     * The model with the weights compiled into its jar.
                     *
                     * @throws dev.nabla.runtime.NablaException when the jar has no weights (compiled without --weights)
                     */
                    public static %1$s load() {
                        return new %1$s(null);
                    }

                    /**
                     * The model with the weights of a checkpoint written by {@code nabla train} or {@link #save(Path)}, and the
                     * preprocessing stored with them.
                     *
                     * @throws dev.nabla.runtime.NablaException when the file is missing or holds another model's weights
                     */
                    public static %1$s load(Path checkpoint) {
                        return new %1$s(Objects.requireNonNull(checkpoint, "checkpoint"));
                    }
                """.formatted(simple));
    }

    /** {@code predict} is the first output's; with several outputs each also has {@code predictNAME}. */
    private void predictors() {
        predictor(0, "predict");
        if (outputs.size() > 1) {
            for (int o = 0; o < outputs.size(); o++) {
                predictor(o, predictName(o));
            }
        }
    }

    private String predictName(int output) {
        return outputs.size() == 1 ? "predict" : "predict" + capitalized(outputs.get(output).name());
    }

    private void predictor(int o, String name) {
        BufferSpec b = outputs.get(o);
        out.append("""

                    /**
                     * Output {@code %2$s} ({@code %3$s}) of one example.
                     *
                %4$s     * @return a new array of %5$d values
                     * @throws IllegalArgumentException when an input does not hold exactly its values per example
                     */
                    public float[] %1$s(%6$s) {
                        return predictOne(%7$d, %8$s);
                    }

                    /**
                     * Output {@code %2$s} of {@code count} examples, into {@code out}; %10$s.
                     *
                %9$s     * @param count how many examples
                     * @param out   receives {@code count * %5$d} values
                     * @throws IllegalArgumentException when an array is too short
                     */
                    public void %1$s(%6$s, int count, float[] out) {
                        predictInto(%7$d, %8$s, count, out);
                    }
                """.formatted(name, b.name(), shape(b), inputParams("one example of "), b.rowSize(), typedParams(), o,
                args(), inputParams("{@code count} examples, one after the other, of "), inputs.size() == 1
                        ? "allocates nothing once warm"
                        : "once warm, allocates at most the array of the inputs (which the JIT usually removes)"));
    }

    private String inputParams(String prefix) {
        StringBuilder s = new StringBuilder();
        for (BufferSpec b : inputs) {
            s.append("     * @param ").append(param(b)).append(' ').append(prefix).append("input {@code ").append(b.name())
                    .append("}, ").append(b.rowSize()).append(" raw values each ({@code ").append(shape(b)).append("})\n");
        }
        return s.toString();
    }

    private void classifiers() {
        BufferSpec in = inputs.get(0);
        out.append("""

                    /**
                     * The class of one example: the most probable one (for a binary target, 1 when the score is above 0);
                     * allocates nothing once warm.%3$s
                     *
                     * @param %1$s one example, %2$d raw values
                     */
                    public int classify(float[] %1$s) {
                        return classifyOne(%1$s);
                    }

                    /** The classes of {@code count} examples into {@code labels}; allocates nothing once warm. */
                    public void classify(float[] %1$s, int count, int[] labels) {
                        classifyInto(%1$s, count, labels);
                    }
                """.formatted(param(in), in.rowSize(),
                manifest.classNames().isEmpty() ? "" : " Its name: {@code CLASS_NAMES.get(label)}."));
    }

    private void trainer() {
        StringBuilder params = new StringBuilder();
        StringBuilder sig = new StringBuilder();
        StringBuilder ins = new StringBuilder();
        StringBuilder outs = new StringBuilder();
        for (BufferSpec b : inputs) {
            params.append("         * @param ").append(param(b)).append(" {@code count} examples of input {@code ")
                    .append(b.name()).append("}, ").append(b.rowSize()).append(" raw values each\n");
            sig.append("float[] ").append(param(b)).append(", ");
            ins.append(ins.length() > 0 ? ", " : "").append(param(b));
        }
        for (BufferSpec t : targets) {
            params.append("         * @param ").append(param(t)).append(" {@code count} ")
                    .append(labels(t) ? "class labels 0.." + (t.classes() - 1) : "examples of " + t.rowSize() + " values")
                    .append(" of target {@code ").append(t.name()).append("}\n");
            sig.append(labels(t) ? "int[] " : "float[] ").append(param(t)).append(", ");
            outs.append(outs.length() > 0 ? ", " : "").append(labels(t) ? "labels(" + param(t) + ")" : param(t));
        }
        out.append("""

                    /** A trainer with the options of the model's train block; it fine-tunes this instance. */
                    public Trainer trainer() {
                        return new Trainer(this, trainOptions());
                    }

                    /** A trainer with {@code options} (e.g. {@code trainOptions().withEpochs(3)}); it fine-tunes this instance. */
                    public Trainer trainer(TrainOptions options) {
                        return new Trainer(this, options);
                    }

                    /**
                     * Fine-tunes a {@link %1$s} with its compiled training kernels, as {@code nabla train --init} does with
                     * the same data and seed; the model has the new weights when {@code fit} returns.
                     */
                    public static final class Trainer extends ModelTrainer {

                        private Trainer(%1$s model, TrainOptions options) {
                            super(model, options);
                        }

                        /**
                         * Fine-tunes on {@code count} examples.
                         *
                %2$s         * @param count how many examples
                         */
                        public TrainResult fit(%3$sint count) {
                            return fitArrays(new float[][] {%4$s}, new float[][] {%5$s}, count);
                        }
                    }
                """.formatted(simple, params, sig, ins, outs));
    }

    private static boolean labels(BufferSpec target) {
        return target.classes() > 1;
    }

    private String typedParams() {
        StringBuilder s = new StringBuilder();
        for (BufferSpec b : inputs) {
            s.append(s.length() > 0 ? ", " : "").append("float[] ").append(param(b));
        }
        return s.toString();
    }

    private String floatParams() {
        return String.join(", ", inputs.stream().map(b -> "float[]").toList());
    }

    private String args() {
        if (inputs.size() == 1) {
            return param(inputs.get(0));
        }
        return "new float[][] {" + String.join(", ", inputs.stream().map(FacadeSource::param).toList()) + "}";
    }

    /** A parameter named after a buffer, clear of the method's own {@code count}, {@code out} and {@code labels}. */
    private static String param(BufferSpec b) {
        String id = EmitTarget.identifier(b.name());
        return javax.lang.model.SourceVersion.isKeyword(id) || List.of("count", "out", "labels").contains(id) ? id + "_" : id;
    }

    private static String capitalized(String name) {
        String id = EmitTarget.identifier(name);
        return Character.toUpperCase(id.charAt(0)) + id.substring(1);
    }

    private static String constantName(String name) {
        return EmitTarget.identifier(name).replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    private static String shape(BufferSpec b) {
        StringBuilder s = new StringBuilder(b.role() == BufferRole.TARGET && b.classes() > 1 ? "i32[" : "f32[");
        int[] dims = b.shape();
        for (int i = 0; i < dims.length; i++) {
            s.append(i > 0 ? ", " : "").append(dims[i] == BufferSpec.BATCH ? "B" : Integer.toString(dims[i]));
        }
        return s.append(']').toString();
    }

    /** A Java string literal: JSON's escapes are Java's, once control characters (never in a class name) are gone. */
    private static String javaString(String s) {
        return Json.quote(s.replaceAll("\\p{Cntrl}", " "));
    }

    /** Text safe inside Javadoc: no markup, no end of comment, no unicode escapes. */
    private static String html(String s) {
        return s.replaceAll("\\p{Cntrl}", " ").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("*/", "*&#47;")
                .replace("@", "&#64;").replace("\\u", "\\&#117;").replace("{", "&#123;").replace("}", "&#125;");
    }
}
