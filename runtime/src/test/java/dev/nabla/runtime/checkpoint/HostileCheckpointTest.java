package dev.nabla.runtime.checkpoint;

import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.data.Preprocessing;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reader never trusts a header: every hostile field is a NablaException naming it, never another exception. */
class HostileCheckpointTest {

    /** A file of {@code header} and {@code dataBytes} zero bytes of data. */
    private static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    private static String rejected(String header, int dataBytes) {
        return assertThrows(NablaException.class, () -> Safetensors.decode("c.safetensors", file(header, dataBytes)))
                .getMessage();
    }

    private static String tensor(String shape, String offsets) {
        return "{\"w\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}";
    }

    @Test
    void deeplyNestedHeader_isAnErrorNotAStackOverflow() {
        String deep = "{\"__metadata__\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}";
        assertTrue(rejected(deep, 0).contains("nested deeper than 64 levels"));
        String justDeepEnough = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertTrue(Json.parse(justDeepEnough) instanceof java.util.List<?>, "64 levels parse");
    }

    @Test
    void shapeBeyondAnInt_isNotReadModulo2To32() {
        assertTrue(rejected(tensor("[4294967300]", "[0,16]"), 16).contains("shape [4294967300] has more elements"));
        assertTrue(rejected(tensor("[65536,65536]", "[0,0]"), 16).contains("has more elements than a tensor can hold"));
        assertTrue(rejected(tensor("[0,4294967300]", "[0,0]"), 0).contains("has more elements"));
    }

    @Test
    void offsetsPastTheFile_orOverflowing_areRejected() {
        assertTrue(rejected(tensor("[4]", "[0,16]"), 12).contains("truncated?"));
        assertTrue(rejected(tensor("[4]", "[9223372036854775800,9223372036854775807]"), 16).contains("do not fit shape"));
        assertTrue(rejected(tensor("[4]", "[-16,0]"), 16).contains("non-negative integers"));
    }

    @Test
    void metadataThatIsNotAnObjectOfStrings_isRejectedNotDropped() {
        assertTrue(rejected("{\"__metadata__\":[1,2]}", 0).contains("__metadata__ must be an object of strings, got [1, 2]"));
        assertTrue(rejected("{\"__metadata__\":{\"step\":5}}", 0).contains("entry \"step\" must be a string, got 5"));
    }

    @Test
    void brokenEscapes_areJsonErrors() {
        assertTrue(rejected("{\"a\\u12", 0).contains("bad safetensors header: bad \\u escape"));
        assertTrue(rejected("{\"a\\", 0).contains("bad safetensors header: unexpected end"));
    }

    @Test
    void nonNumericMetadata_isAnErrorNamingTheEntry() {
        Path file = Path.of("c.safetensors");
        assertEquals(7, Checkpoint.metadataLong(file, Map.of("step", "7"), "step", 0));
        assertEquals(3, Checkpoint.metadataLong(file, Map.of(), "seed", 3));
        assertEquals("c.safetensors: metadata \"seed\" is not an integer: \"forty-two\"", assertThrows(NablaException.class,
                () -> Checkpoint.metadataLong(file, Map.of("seed", "forty-two"), "seed", 0)).getMessage());
    }

    @Test
    void preprocessingMetadata_missingOrNonNumeric_isAnErrorNotAnNpeOrNumberFormatException() {
        assertEquals("checkpoint metadata: \"preprocess.std\" is missing (it comes with \"preprocess.mean\")",
                assertThrows(NablaException.class, () -> Preprocessing.fromMetadata(
                        Map.of("preprocess.divisor", "1.0", "preprocess.mean", "0.5"))).getMessage());
        assertEquals("checkpoint metadata: \"preprocess.divisor\" is not a finite number: \"one\"",
                assertThrows(NablaException.class, () -> Preprocessing.fromMetadata(
                        Map.of("preprocess.divisor", "one"))).getMessage());
        assertTrue(assertThrows(NablaException.class, () -> Preprocessing.fromMetadata(Map.of("preprocess.divisor", "1",
                "preprocess.mean", "0,x", "preprocess.std", "1,1"))).getMessage().contains("\"preprocess.mean\" is not a finite"));
        assertTrue(assertThrows(NablaException.class, () -> Preprocessing.fromMetadata(Map.of("preprocess.divisor", "1",
                "preprocess.mean", "0,0", "preprocess.std", "1,0"))).getMessage().contains("deviations are positive"));
    }
}
