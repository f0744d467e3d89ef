package dev.nabla.spark;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.checkpoint.Checkpoint;
import dev.nabla.runtime.train.EpochStats;
import dev.nabla.runtime.train.TrainResult;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link NablaSpark#train} returns: the trained weights, the checkpoint that holds them (the safetensors file
 * {@code nabla eval}, {@code nabla predict}, {@code nabla compile --weights} and a façade's {@code load(Path)} read),
 * the metrics of every epoch, and where the time of a step went.
 */
public final class SparkTrainResult {

    private final ModelSpec spec;
    private final float[][] buffers;
    private final Map<String, String> metadata;
    private final TrainResult result;
    private final StepTimings timings;
    private final Path saved;

    SparkTrainResult(ModelSpec spec, float[][] buffers, Map<String, String> metadata, TrainResult result,
                     StepTimings timings, Path saved) {
        this.spec = spec;
        this.buffers = buffers;
        this.metadata = Map.copyOf(metadata);
        this.result = result;
        this.timings = timings;
        this.saved = saved;
    }

    /** Every parameter and STATE buffer (batch-norm running statistics, the random step) by name, in model order. */
    public Map<String, float[]> weights() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < buffers.length; i++) {
            BufferRole role = spec.buffers().get(i).role();
            if (role == BufferRole.PARAM || role == BufferRole.STATE) {
                out.put(spec.buffers().get(i).name(), buffers[i].clone());
            }
        }
        return out;
    }

    /** The checkpoint of the trained model: parameters, state, optimizer state and metadata, as safetensors bytes. */
    public byte[] checkpoint() {
        return Checkpoint.encode(spec, buffers, metadata);
    }

    /** Writes {@link #checkpoint()} atomically. */
    public void save(Path file) {
        Checkpoint.save(file, spec, buffers, metadata);
    }

    /** The checkpoint's metadata: model, seed, epoch, step, preprocessing. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** One entry per epoch trained (the last may be partial with a step limit). */
    public List<EpochStats> history() {
        return result.history();
    }

    /** Optimizer steps taken by this run. */
    public long steps() {
        return result.steps();
    }

    /** Why training ended early (early stopping), or {@code null}. */
    public String stopReason() {
        return result.stopReason();
    }

    public StepTimings timings() {
        return timings;
    }

    /** Where {@link SparkOptions#withSave} wrote the checkpoint, or {@code null}. */
    public Path saved() {
        return saved;
    }

    public ModelSpec spec() {
        return spec;
    }
}
