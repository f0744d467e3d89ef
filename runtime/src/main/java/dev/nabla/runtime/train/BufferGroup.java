package dev.nabla.runtime.train;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Some buffers of a model laid end to end in one {@code float[]}, in the model's buffer order: what a distributed
 * trainer sends over the network (the PARAM and STATE buffers down to the workers, the GRAD and STATE buffers back).
 * Only buffers without a batch dimension belong in a group: their size does not depend on the batch.
 */
public final class BufferGroup {

    private final int[] indices;
    private final int[] offsets;
    private final int size;

    private BufferGroup(int[] indices, int[] offsets, int size) {
        this.indices = indices;
        this.offsets = offsets;
        this.size = size;
    }

    /** Every buffer of the given roles, in the model's order. */
    public static BufferGroup of(ModelSpec spec, BufferRole first, BufferRole... more) {
        EnumSet<BufferRole> roles = EnumSet.of(first, more);
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < spec.buffers().size(); i++) {
            BufferSpec b = spec.buffers().get(i);
            if (roles.contains(b.role())) {
                if (b.batched()) {
                    throw new IllegalArgumentException(b + " has a batch dimension: it cannot be in a buffer group");
                }
                chosen.add(i);
            }
        }
        int[] indices = chosen.stream().mapToInt(Integer::intValue).toArray();
        int[] offsets = new int[indices.length];
        long size = 0;
        for (int k = 0; k < indices.length; k++) {
            offsets[k] = (int) size;
            size += spec.buffers().get(indices[k]).size(1);
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("the " + roles + " buffers of model " + spec.name()
                        + " hold more values than one Java array can");
            }
        }
        return new BufferGroup(indices, offsets, (int) size);
    }

    /** Values in the group: the length of {@link #pack}'s array. */
    public int size() {
        return size;
    }

    /** The buffer indices, in order. */
    public int[] indices() {
        return indices.clone();
    }

    public float[] pack(float[][] buffers) {
        float[] flat = new float[size];
        pack(buffers, flat);
        return flat;
    }

    public void pack(float[][] buffers, float[] flat) {
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(buffers[indices[k]], 0, flat, offsets[k], length(k));
        }
    }

    /** Copies {@code flat} (from {@link #pack}) back into the buffers. */
    public void unpack(float[] flat, float[][] buffers) {
        if (flat.length != size) {
            throw new IllegalArgumentException("expected " + size + " values, got " + flat.length);
        }
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(flat, offsets[k], buffers[indices[k]], 0, length(k));
        }
    }

    private int length(int k) {
        return (k + 1 < offsets.length ? offsets[k + 1] : size) - offsets[k];
    }
}
