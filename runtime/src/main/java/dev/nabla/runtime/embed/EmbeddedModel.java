package dev.nabla.runtime.embed;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.FrozenPredictor;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.TrainConfig.DataSpec;
import dev.nabla.runtime.checkpoint.Checkpoint;
import dev.nabla.runtime.checkpoint.Safetensors;
import dev.nabla.runtime.data.Preprocessing;
import dev.nabla.runtime.train.Evaluator;
import dev.nabla.runtime.train.Predictions;
import dev.nabla.runtime.train.TrainOptions;
import dev.nabla.runtime.train.TrainingRun;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every generated façade does; the façade adds only typed methods named after the model's inputs and
 * outputs. An instance holds the model's kernels, its weights (from the jar's weights resource or a checkpoint),
 * the preprocessing those weights were trained with, and per-thread scratch buffers.
 *
 * <p><b>Threads.</b> {@code predict} and {@code classify} may be called from any number of threads at once: the
 * weights are shared and only read, and each thread computes in scratch buffers of its own (allocated on its first
 * call, grown once to the largest batch it asks for, up to {@link #CHUNK} rows, and kept for the instance's life).
 *
 * <p><b>Frozen weights.</b> Predictions run through a {@link FrozenPredictor} of the current weights, which keeps
 * the weight matrices packed for the product kernels. The weights change in two places only, loading (the
 * constructor) and the end of fine-tuning ({@link ModelTrainer#fit}, through {@link #publish}), and each makes a new
 * frozen snapshot and swaps it in whole: a {@code predict} running while {@code fit} ends uses the old weights or the
 * new ones, never a mix.
 *
 * <p><b>Allocation.</b> Once a thread has predicted a batch of a given size, predicting into the caller's array
 * allocates nothing; {@code predict(float[])} allocates only the array it returns.
 */
public abstract class EmbeddedModel {

    /**
     * Rows per kernel call: {@code nabla predict}'s default batch, so that the same inputs give the same floats
     * here and there (a matrix product may sum in another order for another batch size).
     */
    public static final int CHUNK = 256;

    private final ModelManifest manifest;
    private final CompiledModel kernels;
    private final ModelSpec spec;
    /** PARAM, STATE and OPT_STATE storage, shared by every thread; {@code null} for every other buffer. */
    private final float[][] weights;
    private final Map<String, String> metadata;
    private final Preprocessing preprocessing;
    private final int[] inputs;
    private final int[] outputs;
    private final int classOutput;
    private final ThreadLocal<float[][]> scratch = new ThreadLocal<>();
    /** The inference graph with the current weights frozen and packed; replaced whole when the weights change. */
    private volatile FrozenPredictor frozen;

    /**
     * Reads the manifest beside {@code facade}, instantiates its kernels and loads the weights.
     *
     * @param checkpoint a checkpoint file, or {@code null} for the weights resource in the jar
     * @throws NablaException when the manifest or the weights resource is missing, or the checkpoint is not one of
     *                        this model's
     */
    protected EmbeddedModel(Class<? extends EmbeddedModel> facade, Path checkpoint) {
        manifest = ModelManifest.read(facade, ModelManifest.resourceName(facade.getSimpleName()));
        kernels = instantiate(facade, manifest);
        spec = kernels.spec();
        weights = new float[spec.buffers().size()][];
        for (int i = 0; i < weights.length; i++) {
            if (saved(spec.buffers().get(i).role())) {
                weights[i] = new float[spec.buffers().get(i).size(1)];
            }
        }
        metadata = new LinkedHashMap<>(checkpoint != null ? Checkpoint.load(checkpoint, spec, weights)
                : loadResource(facade));
        preprocessing = Preprocessing.fromMetadata(metadata);
        inputs = indices(BufferRole.INPUT);
        outputs = indices(BufferRole.OUTPUT);
        for (int i : inputs) {
            preprocessing.checkInput(spec.buffers().get(i).name(), inputs.length, spec.buffers().get(i).rowSize());
        }
        int c = classOutput(spec);
        classOutput = c < 0 ? -1 : outputs[c];
        frozen = kernels.freeze(weights); // reads the PARAM and STATE slots only
    }

    private static CompiledModel instantiate(Class<?> facade, ModelManifest manifest) {
        try {
            Class<?> k = Class.forName(manifest.kernels(), true, facade.getClassLoader());
            return (CompiledModel) k.getConstructor(ModelSpec.class).newInstance(manifest.spec());
        } catch (ClassNotFoundException e) {
            throw new NablaException("the kernels of model " + manifest.model() + " (class " + manifest.kernels()
                    + ") are not on the class path beside " + facade.getName());
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new NablaException("cannot instantiate the kernels of model " + manifest.model() + " ("
                    + manifest.kernels() + "): " + e, e);
        }
    }

    private Map<String, String> loadResource(Class<?> facade) {
        String name = manifest.weights() != null ? manifest.weights() : ModelManifest.weightsName(facade.getSimpleName());
        String where = facade.getPackageName().replace('.', '/') + "/" + name;
        byte[] bytes = ModelManifest.resource(facade, name);
        if (bytes == null) {
            throw new NablaException("model " + manifest.model() + " has no weights on the class path (resource " + where
                    + " is missing): compile it with --weights CKPT (or put NAME.safetensors beside the .nabla file for"
                    + " the Maven plugin), or load a checkpoint with " + facade.getSimpleName() + ".load(Path)");
        }
        return Checkpoint.load(where, Safetensors.decode(where, bytes), spec, weights);
    }

    private static boolean saved(BufferRole role) {
        return role == BufferRole.PARAM || role == BufferRole.STATE || role == BufferRole.OPT_STATE;
    }

    private int[] indices(BufferRole role) {
        return spec.indicesOf(role).stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The output (position among the model's outputs) that classifies: the one with one value per class of the first
     * classification target ({@code classes K}: K values; {@code binary}: one score), as {@code nabla eval} picks it;
     * -1 for a model that does not classify.
     */
    public static int classOutput(ModelSpec spec) {
        List<Integer> outs = spec.indicesOf(BufferRole.OUTPUT);
        for (int t : spec.indicesOf(BufferRole.TARGET)) {
            BufferSpec target = spec.buffers().get(t);
            if (target.classes() > 0) {
                int width = target.binary() ? 1 : target.classes();
                for (int o = 0; o < outs.size(); o++) {
                    if (spec.buffers().get(outs.get(o)).rowSize() == width) {
                        return o;
                    }
                }
            }
        }
        return -1;
    }

    /** What the compiler recorded about the model. */
    public final ModelManifest manifest() {
        return manifest;
    }

    /** The buffer layout the kernels run with. */
    public final ModelSpec spec() {
        return spec;
    }

    /** The metadata of the weights (training seed, step, preprocessing statistics). */
    public final Map<String, String> metadata() {
        return Map.copyOf(metadata);
    }

    /** The train block's options, to adjust with {@code with*} before fine-tuning. */
    public final TrainOptions trainOptions() {
        return TrainOptions.from(spec.train());
    }

    /** Writes the weights (and optimizer state) as a checkpoint that {@code nabla eval}, {@code predict} and {@code load(Path)} read. */
    public final void save(Path checkpoint) {
        Checkpoint.save(checkpoint, spec, weights, metadata);
    }

    /** Values per example of input {@code input} (position among the model's inputs). */
    protected final int inputWidth(int input) {
        return spec.buffers().get(inputs[input]).rowSize();
    }

    /** Values per example of output {@code output} (position among the model's outputs). */
    protected final int outputWidth(int output) {
        return spec.buffers().get(outputs[output]).rowSize();
    }

    /** Output {@code output} of one example of a one-input model: a new array of {@link #outputWidth} values. */
    protected final float[] predictOne(int output, float[] input) {
        checkLength(input, 0);
        float[] out = new float[outputWidth(output)];
        predictInto(output, input, 1, out);
        return out;
    }

    /**
     * Output {@code output} of {@code count} examples of a one-input model into {@code out}: {@code input} holds
     * {@code count} examples of raw values one after the other (more is ignored), {@code out} receives
     * {@code count * outputWidth(output)} values.
     */
    protected final void predictInto(int output, float[] input, int count, float[] out) {
        checkBatch(input, 0, count);
        checkOut(output, count, out);
        float[][] b = scratch(count);
        FrozenPredictor f = frozen;
        for (int from = 0; from < count; from += CHUNK) {
            int n = Math.min(CHUNK, count - from);
            fill(b, 0, input, from, n);
            f.predict(b, n);
            copyOut(b, output, from, n, out);
        }
    }

    /** {@link #predictOne(int, float[])} for a model of several inputs, {@code inputs[i]} for input i. */
    protected final float[] predictOne(int output, float[][] input) {
        for (int i = 0; i < input.length && i < inputs.length; i++) {
            checkLength(input[i], i);
        }
        float[] out = new float[outputWidth(output)];
        predictInto(output, input, 1, out);
        return out;
    }

    /** {@link #predictInto(int, float[], int, float[])} for a model of several inputs, {@code inputs[i]} for input i. */
    protected final void predictInto(int output, float[][] input, int count, float[] out) {
        if (input.length != inputs.length) {
            throw new IllegalArgumentException("model " + spec.name() + " takes " + inputs.length + " inputs, got " + input.length);
        }
        for (int i = 0; i < input.length; i++) {
            checkBatch(input[i], i, count);
        }
        checkOut(output, count, out);
        float[][] b = scratch(count);
        FrozenPredictor f = frozen;
        for (int from = 0; from < count; from += CHUNK) {
            int n = Math.min(CHUNK, count - from);
            for (int i = 0; i < input.length; i++) {
                fill(b, i, input[i], from, n);
            }
            f.predict(b, n);
            copyOut(b, output, from, n, out);
        }
    }

    /** The class of one example of a one-input classifier (see {@link #classOutput}); allocates nothing once warm. */
    protected final int classifyOne(float[] input) {
        if (classOutput < 0) {
            throw new UnsupportedOperationException("model " + spec.name() + " has no classification target");
        }
        checkLength(input, 0);
        float[][] b = scratch(1);
        fill(b, 0, input, 0, 1);
        frozen.predict(b, 1);
        return predicted(b[classOutput], 0);
    }

    /** The classes of {@code count} examples into {@code labels}; allocates nothing once warm. */
    protected final void classifyInto(float[] input, int count, int[] labels) {
        if (classOutput < 0) {
            throw new UnsupportedOperationException("model " + spec.name() + " has no classification target");
        }
        checkBatch(input, 0, count);
        if (labels.length < count) {
            throw new IllegalArgumentException("labels has room for " + labels.length + " classes, but count is " + count);
        }
        float[][] b = scratch(count);
        FrozenPredictor f = frozen;
        for (int from = 0; from < count; from += CHUNK) {
            int n = Math.min(CHUNK, count - from);
            fill(b, 0, input, from, n);
            f.predict(b, n);
            for (int r = 0; r < n; r++) {
                labels[from + r] = predicted(b[classOutput], r);
            }
        }
    }

    private int predicted(float[] scores, int row) {
        int width = spec.buffers().get(classOutput).rowSize();
        return Evaluator.predicted(scores, row, width, width == 1);
    }

    /**
     * {@code nabla predict}'s CSV for a whole data set (a label column, if any, is ignored), computed with these
     * weights; {@code output} names the model output, or {@code null} for the first.
     */
    public final Predictions predictions(DataSpec data, int batch, String output) {
        float[][] b = spec.allocate(batch);
        for (int i = 0; i < b.length; i++) {
            if (weights[i] != null) {
                System.arraycopy(weights[i], 0, b[i], 0, weights[i].length);
            }
        }
        return TrainingRun.predict(kernels, b, preprocessing, data, batch, output);
    }

    private void fill(float[][] b, int input, float[] values, int fromRow, int rows) {
        int w = inputWidth(input);
        preprocessing.applyRows(spec.buffers().get(inputs[input]).name(), inputs.length, values, fromRow * w,
                b[inputs[input]], 0, rows * w, w);
    }

    private void copyOut(float[][] b, int output, int fromRow, int rows, float[] out) {
        int w = outputWidth(output);
        System.arraycopy(b[outputs[output]], 0, out, fromRow * w, rows * w);
    }

    /** This thread's buffers, with room for {@code min(count, CHUNK)} rows (inputs, outputs and temporaries). */
    private float[][] scratch(int count) {
        int rows = Math.max(1, Math.min(count, CHUNK));
        float[][] b = scratch.get();
        if (b == null || b[inputs[0]].length < spec.buffers().get(inputs[0]).size(rows)) {
            b = frozen.allocate(rows); // the weights are the frozen predictor's: their slots stay empty
            scratch.set(b);
        }
        return b;
    }

    private void checkLength(float[] values, int input) {
        int w = inputWidth(input);
        if (values == null || values.length != w) {
            throw new IllegalArgumentException(spec.name() + ": input " + describe(input) + " takes " + w
                    + " values per example, got " + (values == null ? "null" : values.length + " values"));
        }
    }

    private void checkBatch(float[] values, int input, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        int w = inputWidth(input);
        if (values == null || values.length < (long) w * count) {
            throw new IllegalArgumentException(spec.name() + ": input " + describe(input) + " takes " + w
                    + " values per example, so " + count + " examples need " + (long) w * count + " values, got "
                    + (values == null ? "null" : values.length));
        }
    }

    private void checkOut(int output, int count, float[] out) {
        int w = outputWidth(output);
        if (out == null || out.length < (long) w * count) {
            BufferSpec o = spec.buffers().get(outputs[output]);
            throw new IllegalArgumentException(spec.name() + ": output " + o.name() + " " + shape(o) + " has " + w
                    + " values per example, so " + count + " examples need room for " + (long) w * count + ", got "
                    + (out == null ? "null" : out.length));
        }
    }

    private String describe(int input) {
        BufferSpec b = spec.buffers().get(inputs[input]);
        return b.name() + " " + shape(b);
    }

    /** {@code f32[B, 64]}, as the model declares it. */
    static String shape(BufferSpec b) {
        StringBuilder s = new StringBuilder("f32[");
        int[] dims = b.shape();
        for (int i = 0; i < dims.length; i++) {
            s.append(i > 0 ? ", " : "").append(dims[i] == BufferSpec.BATCH ? "B" : Integer.toString(dims[i]));
        }
        return s.append(']').toString();
    }

    // --- for ModelTrainer ---

    final CompiledModel kernels() {
        return kernels;
    }

    final Preprocessing preprocessing() {
        return preprocessing;
    }

    final long step() {
        return Long.parseLong(metadata.getOrDefault("step", "0"));
    }

    /** Copies the weights into a full buffer set. */
    final void copyWeightsTo(float[][] buffers) {
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] != null) {
                System.arraycopy(weights[i], 0, buffers[i], 0, weights[i].length);
            }
        }
    }

    /** Takes the fine-tuned weights of a full buffer set, and the training position for the next save. */
    final void publish(float[][] buffers, Map<String, String> newMetadata) {
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] != null) {
                System.arraycopy(buffers[i], 0, weights[i], 0, weights[i].length);
            }
        }
        frozen = kernels.freeze(weights);
        metadata.putAll(newMetadata);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(getClass().getSimpleName()).append(" (model ").append(spec.name())
                .append(" from ").append(manifest.sourceFile()).append("; inputs");
        for (int i = 0; i < inputs.length; i++) {
            s.append(i > 0 ? ", " : " ").append(describe(i));
        }
        return s.append(')').toString();
    }
}
