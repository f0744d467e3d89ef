package dev.nabla.runtime.checkpoint;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A model's PARAM, STATE and OPT_STATE buffers as a safetensors file, tensors named like the buffers
 * ({@code hidden1.W}, {@code opt0:hidden1.W}); the metadata records the training position for resuming.
 */
public final class Checkpoint {

    private Checkpoint() {
    }

    private static boolean saved(BufferRole role) {
        return role == BufferRole.PARAM || role == BufferRole.STATE || role == BufferRole.OPT_STATE;
    }

    public static byte[] encode(ModelSpec spec, float[][] buffers, Map<String, String> metadata) {
        List<Safetensors.Tensor> tensors = new ArrayList<>();
        for (int i = 0; i < buffers.length; i++) {
            BufferSpec b = spec.buffers().get(i);
            if (saved(b.role())) {
                tensors.add(new Safetensors.Tensor(b.name(), b.shape(), Arrays.copyOf(buffers[i], b.size(1))));
            }
        }
        return Safetensors.encode(tensors, metadata);
    }

    /** Saves atomically (temporary file, fsync, rename): the previous checkpoint survives a crash. */
    public static void save(Path file, ModelSpec spec, float[][] buffers, Map<String, String> metadata) {
        AtomicFiles.write(file, encode(spec, buffers, metadata));
    }

    /**
     * Loads every PARAM and STATE (all required, shapes checked) and the OPT_STATE tensors the file has
     * (missing ones are zeroed, so weights trained with another optimizer still load). A tensor holding NaN or an
     * infinity is refused: every output computed with it would be NaN, without a word.
     *
     * @return the checkpoint's metadata
     */
    public static Map<String, String> load(Path file, ModelSpec spec, float[][] buffers) {
        return load(file.toString(), Safetensors.read(file), spec, buffers);
    }

    /**
     * {@link #load(Path, ModelSpec, float[][])} from a checkpoint already read, e.g. a resource; {@code file} names it
     * in messages. Buffers that are {@code null} in {@code buffers} are skipped (after the checks).
     */
    public static Map<String, String> load(String file, Safetensors.Contents contents, ModelSpec spec, float[][] buffers) {
        contents.tensors().values().forEach(t -> requireFinite(file, t));
        for (String name : contents.tensors().keySet()) {
            if (spec.indexOf(name) < 0 && !name.startsWith("opt")) {
                throw new NablaException(file + ": tensor \"" + name + "\" is not a parameter of model " + spec.name()
                        + " (was the checkpoint saved from another model?)");
            }
        }
        for (int i = 0; i < buffers.length; i++) {
            BufferSpec b = spec.buffers().get(i);
            if (saved(b.role())) {
                copyInto(file, spec.name(), b, contents.tensors().get(b.name()), buffers[i]);
            }
        }
        return contents.metadata();
    }

    private static void copyInto(String file, String model, BufferSpec b, Safetensors.Tensor t, float[] target) {
        if (t == null) {
            if (b.role() == BufferRole.OPT_STATE) {
                if (target != null) {
                    Arrays.fill(target, 0f);
                }
                return;
            }
            throw new NablaException(file + ": missing " + b.role().name().toLowerCase() + " \"" + b.name()
                    + "\" of model " + model + " (was the checkpoint saved from another model?)");
        }
        if (!Arrays.equals(t.shape(), b.shape())) {
            throw new NablaException(file + ": tensor \"" + b.name() + "\" has shape " + Arrays.toString(t.shape())
                    + " but the model declares " + Arrays.toString(b.shape()));
        }
        if (target != null) {
            System.arraycopy(t.data(), 0, target, 0, t.data().length);
        }
    }

    /**
     * The integer metadata entry {@code key} of checkpoint {@code file}, or {@code fallback} when it has none.
     *
     * @throws NablaException when the entry is there but not an integer
     */
    public static long metadataLong(Path file, Map<String, String> metadata, String key, long fallback) {
        String text = metadata.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new NablaException(file + ": metadata \"" + key + "\" is not an integer: \""
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "\"");
        }
    }

    private static void requireFinite(String file, Safetensors.Tensor t) {
        int bad = 0;
        for (float v : t.data()) {
            bad += Float.isFinite(v) ? 0 : 1;
        }
        if (bad > 0) {
            throw new NablaException(file + ": tensor \"" + t.name() + "\" holds " + bad + " NaN or infinite values of "
                    + t.data().length + "; a model with these weights computes NaN (did the run that saved them diverge?)");
        }
    }
}
