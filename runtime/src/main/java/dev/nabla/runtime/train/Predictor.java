package dev.nabla.runtime.train;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.FrozenPredictor;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.data.Dataset;

import java.util.List;

/**
 * Runs the inference graph over a dataset's inputs, one field per model input (targets, if any, are ignored), with the
 * weights frozen for the pass ({@link CompiledModel#freeze}).
 */
public final class Predictor {

    private Predictor() {
    }

    /**
     * @param outputName the OUTPUT to collect, or {@code null} for the model's first output
     */
    public static Predictions predict(CompiledModel model, float[][] buffers, Dataset data, int batch, String outputName) {
        ModelSpec spec = model.spec();
        ModelBuffers mb = new ModelBuffers(spec, buffers, batch, false);
        Dataset bound = mb.bind(data);
        int output = outputIndex(spec, outputName);
        int width = spec.buffers().get(output).rowSize();
        float[] values = new float[data.rows() * width];
        int[] order = ModelBuffers.identity(data.rows());
        FrozenPredictor frozen = model.freeze(buffers); // the weights do not change during the pass: pack them once
        for (int from = 0; from < data.rows(); from += batch) {
            int count = Math.min(batch, data.rows() - from);
            mb.fill(bound, order, from, count);
            frozen.predict(buffers, count);
            System.arraycopy(buffers[output], 0, values, from * width, count * width);
        }
        return new Predictions(spec.buffers().get(output).name(), data.rows(), width, values, isClassifier(spec, width));
    }

    private static int outputIndex(ModelSpec spec, String name) {
        List<Integer> outputs = spec.indicesOf(BufferRole.OUTPUT);
        if (outputs.isEmpty()) {
            throw new NablaException("model " + spec.name() + " declares no output");
        }
        if (name == null) {
            return outputs.get(0);
        }
        int index = spec.indexOf(name);
        if (index < 0 || spec.buffers().get(index).role() != BufferRole.OUTPUT) {
            throw new NablaException("model " + spec.name() + " has no output named " + name);
        }
        return index;
    }

    /** An output is read as class probabilities when the model's target is class labels of the same count. */
    private static boolean isClassifier(ModelSpec spec, int width) {
        for (int i : spec.indicesOf(BufferRole.TARGET)) {
            BufferSpec t = spec.buffers().get(i);
            if (t.classes() == width) {
                return true;
            }
        }
        return false;
    }
}
