package dev.nabla.onnx;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.checkpoint.Checkpoint;
import dev.nabla.runtime.data.Preprocessing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of a model's parameters and state, by name, and the preprocessing fitted with them: what an export
 * writes beside the graph.
 */
public record ExportWeights(Map<String, float[]> tensors, Preprocessing preprocessing) {

    public ExportWeights {
        tensors = Map.copyOf(tensors);
    }

    /**
     * Reads a checkpoint of {@code model} with the runtime's own checks (every parameter and state present, shapes
     * as declared, no NaN), without compiling the model.
     *
     * @throws dev.nabla.runtime.NablaException when the file is missing, unreadable or of another model
     */
    public static ExportWeights load(ModelIr model, Path checkpoint) {
        List<BufferSpec> buffers = new ArrayList<>();
        for (Graph.Input in : model.train().inputs()) {
            if (in.role() == Graph.InputRole.PARAM || in.role() == Graph.InputRole.STATE) {
                buffers.add(new BufferSpec(in.value().name(), in.role() == Graph.InputRole.PARAM ? BufferRole.PARAM
                        : BufferRole.STATE, in.value().shape().toArray()));
            }
        }
        ModelSpec spec = new ModelSpec(model.name(), model.sourceFile(), buffers, model.config().optimizer(), model.config());
        float[][] values = new float[buffers.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new float[buffers.get(i).size(1)];
        }
        Map<String, String> metadata = Checkpoint.load(checkpoint, spec, values);
        Map<String, float[]> byName = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            byName.put(buffers.get(i).name(), values[i]);
        }
        return new ExportWeights(byName, Preprocessing.fromMetadata(metadata));
    }
}
