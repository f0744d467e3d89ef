package dev.nabla.runtime.checkpoint;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SafetensorsProperties {

    @Provide
    Arbitrary<List<int[]>> shapes() {
        return Arbitraries.integers().between(1, 5).array(int[].class).ofMinSize(0).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(5);
    }

    @Property(tries = 200)
    void encodeDecode_anyShapesAndNames_roundTripExactly(@ForAll("shapes") List<int[]> shapes,
                                                         @ForAll("names") String metaValue) {
        List<Safetensors.Tensor> tensors = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
            float[] data = new float[(int) Safetensors.elements(shapes.get(i))];
            for (int j = 0; j < data.length; j++) {
                data[j] = (float) Math.sin(31 * i + j) * 1e3f;
            }
            tensors.add(new Safetensors.Tensor("opt" + i + ":layer \"" + i + "\".W", shapes.get(i), data));
        }
        byte[] bytes = Safetensors.encode(tensors, Map.of("note", metaValue));
        Safetensors.Contents back = Safetensors.decode("mem", bytes);
        assertEquals(metaValue, back.metadata().get("note"));
        assertEquals(tensors.size(), back.tensors().size());
        for (Safetensors.Tensor t : tensors) {
            Safetensors.Tensor r = back.tensors().get(t.name());
            assertArrayEquals(t.shape(), r.shape());
            assertArrayEquals(t.data(), r.data());
        }
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().all().ofMaxLength(20);
    }
}
