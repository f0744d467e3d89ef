package dev.nabla.runtime.embed;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.InitSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelManifestTest {

    static ModelSpec spec() {
        TrainConfig train = new TrainConfig(new OptimizerSpec(OptimizerSpec.Kind.ADAMW, 3e-4, 0, 0.85, 0.995, 0.9, 1e-7, 0.05),
                new TrainConfig.Schedule(TrainConfig.Schedule.Kind.COSINE, 0.5, 3, 100), 48, 12, 1.5,
                Long.MAX_VALUE - 12345, false, true,
                new TrainConfig.DataSpec("csv", List.of("/data/train \"quoted\".csv"), Map.of("label", "0", "header", "true")),
                null, 0.2, 0.1, 4, List.of("scale", "standardize"));
        return new ModelSpec("Tiny", "models/tiny.nabla", List.of(
                new BufferSpec("h.W", BufferRole.PARAM, new int[] {4, 8}, new InitSpec(InitSpec.Kind.UNIFORM, -0.1, 0.25), null, 0),
                new BufferSpec("random.seed", BufferRole.STATE, new int[] {1}, InitSpec.of(InitSpec.Kind.SEED), null, 0),
                new BufferSpec("x", BufferRole.INPUT, new int[] {BufferSpec.BATCH, 4}),
                new BufferSpec("y", BufferRole.TARGET, new int[] {BufferSpec.BATCH}, null, null, 3),
                new BufferSpec("b", BufferRole.TARGET, new int[] {BufferSpec.BATCH}, null, null, BufferSpec.BINARY),
                new BufferSpec("probs", BufferRole.OUTPUT, new int[] {BufferSpec.BATCH, 3}),
                new BufferSpec("grad:h.W", BufferRole.GRAD, new int[] {4, 8}, null, "h.W", 0),
                new BufferSpec("opt0:h.W", BufferRole.OPT_STATE, new int[] {4, 8}, null, "h.W", 0),
                new BufferSpec("t0", BufferRole.TEMP, new int[] {BufferSpec.BATCH, 8})), train.optimizer(), train);
    }

    @Test
    void aManifestReadsBackAsWritten_everyFieldOfTheSpecIncluded() {
        ModelManifest m = new ModelManifest("Tiny", "com.example.Tiny", "com.example.TinyKernels", "models/tiny.nabla", 3,
                "0.1.0", false, "Tiny.safetensors", List.of("a", "b\u00e9", "c"),
                Map.of("preprocess.divisor", "16.0"), spec());
        ModelManifest back = ModelManifest.parse("Tiny.model.json", m.toJson());
        assertEquals(m, back);
        assertEquals(spec(), back.spec());
        assertEquals(Long.MAX_VALUE - 12345, back.spec().train().seed(), "a long seed survives JSON exactly");
        assertTrue(m.toJson().contains("\"inputs\":[{\"name\":\"x\",\"shape\":[\"B\",4]}]"), m.toJson());
        assertTrue(m.toJson().contains("{\"name\":\"b\",\"shape\":[\"B\"],\"binary\":true}"), m.toJson());
    }

    @Test
    void somethingElse_isNotAManifest() {
        NablaException e = assertThrows(NablaException.class, () -> ModelManifest.parse("x.json", "{\"format\":\"other\"}"));
        assertEquals("x.json: not a valid Nabla model manifest (not a Nabla model manifest)", e.getMessage());
        e = assertThrows(NablaException.class, () -> ModelManifest.parse("x.json", "{\"format\":"));
        assertTrue(e.getMessage().startsWith("x.json: not a valid Nabla model manifest (unexpected end"), e.getMessage());
    }

    @Test
    void aMissingManifest_namesTheResourceAndTheClass() {
        NablaException e = assertThrows(NablaException.class, () -> ModelManifest.read(ModelManifestTest.class, "Nope.model.json"));
        assertTrue(e.getMessage().startsWith("no model manifest dev/nabla/runtime/embed/Nope.model.json on the class path beside"
                + " dev.nabla.runtime.embed.ModelManifestTest"), e.getMessage());
    }
}
