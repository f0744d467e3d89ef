package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * TEMP storage shared by every entry point of a model. Buffers are appended after the interface buffers;
 * a batched buffer holds {@code rowSize} elements per batch row ({@link BufferSpec} shape {@code [B, rowSize]}),
 * an unbatched one a fixed count. A value takes the smallest free buffer of its kind that is large enough,
 * else grows the largest free one, else a new one. Callers release a value's buffer after its last reader,
 * and allocate a kernel's result before releasing its operands, so no kernel reads and writes one array.
 */
public final class MemoryPlan {

    private static final class Temp {
        final int index;
        final boolean batched;
        int size;
        boolean free;
        final List<String> holders = new ArrayList<>();

        Temp(int index, boolean batched, int size) {
            this.index = index;
            this.batched = batched;
            this.size = size;
        }
    }

    private final int base;
    private final List<Temp> temps = new ArrayList<>();

    public MemoryPlan(int interfaceBuffers) {
        this.base = interfaceBuffers;
    }

    /** Starts planning another entry point: every TEMP is free again. */
    void beginEntry() {
        temps.forEach(t -> t.free = true);
    }

    Buf allocate(Value v) {
        boolean batched = v.shape().dims().contains(Shape.BATCH);
        int size = (int) v.shape().numel(1);
        Temp best = null;
        for (Temp t : temps) {
            if (t.free && t.batched == batched && t.size >= size && (best == null || t.size < best.size)) {
                best = t;
            }
        }
        if (best == null) {
            for (Temp t : temps) {
                if (t.free && t.batched == batched && (best == null || t.size > best.size)) {
                    best = t;
                }
            }
        }
        if (best == null) {
            best = new Temp(base + temps.size(), batched, size);
            temps.add(best);
        }
        best.size = Math.max(best.size, size);
        best.free = false;
        best.holders.add(v.name());
        return new Buf(best.index, v.name());
    }

    void release(Buf b) {
        int i = b.index() - base;
        if (i >= 0 && i < temps.size()) {
            temps.get(i).free = true;
        }
    }

    /** The TEMP buffer specs, in index order. */
    public List<BufferSpec> tempBuffers() {
        List<BufferSpec> out = new ArrayList<>();
        for (int i = 0; i < temps.size(); i++) {
            Temp t = temps.get(i);
            int[] shape = t.batched ? new int[] {BufferSpec.BATCH, t.size} : new int[] {t.size};
            out.add(new BufferSpec("tmp" + i, BufferRole.TEMP, shape));
        }
        return out;
    }

    /** Which values each TEMP holds over the program, for listings. */
    public List<String> tempHolders() {
        return temps.stream().map(t -> "tmp" + (t.index - base) + " " + (t.batched ? "[B," + t.size + "]" : "[" + t.size + "]")
                + ": " + String.join(", ", t.holders)).toList();
    }
}
