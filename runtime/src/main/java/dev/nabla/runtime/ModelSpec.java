package dev.nabla.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * The buffer layout and training setup of a compiled model: everything the runtime needs to drive it.
 *
 * @param name       model name from the source
 * @param sourceFile the {@code .nabla} file it was compiled from
 * @param buffers    buffer {@code i} is {@code buffers[i]} in every kernel call
 * @param optimizer  the optimizer compiled into {@link CompiledModel#update}
 * @param train      the model's {@code train} block (may be {@link TrainConfig#EMPTY})
 */
public record ModelSpec(String name, String sourceFile, List<BufferSpec> buffers,
                        OptimizerSpec optimizer, TrainConfig train) {

    public ModelSpec {
        buffers = List.copyOf(buffers);
    }

    public int indexOf(String bufferName) {
        for (int i = 0; i < buffers.size(); i++) {
            if (buffers.get(i).name().equals(bufferName)) {
                return i;
            }
        }
        return -1;
    }

    public List<Integer> indicesOf(BufferRole role) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < buffers.size(); i++) {
            if (buffers.get(i).role() == role) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * Allocates zeroed storage for every buffer, sized for batches of up to {@code maxBatch} rows.
     *
     * @throws NablaException when a buffer would not fit in a Java array, or all of them not in the heap
     */
    public float[][] allocate(int maxBatch) {
        float[][] storage = new float[buffers.size()][];
        long bytes = 0;
        for (BufferSpec b : buffers) {
            bytes += 4L * b.size(maxBatch);
        }
        try {
            for (int i = 0; i < storage.length; i++) {
                storage[i] = new float[buffers.get(i).size(maxBatch)];
            }
        } catch (OutOfMemoryError e) {
            storage = null;
            throw new NablaException("model " + name + " needs " + (bytes >> 20) + " MB for batch " + maxBatch
                    + ", more than the Java heap has (" + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MB): use a smaller batch, or a larger heap (NABLA_JAVA_OPTS=-Xmx8g)");
        }
        return storage;
    }
}
