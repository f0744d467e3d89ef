package dev.nabla.runtime.checkpoint;

import dev.nabla.runtime.NablaException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format of Hugging Face, float32 only: an 8-byte little-endian header length, a JSON header
 * mapping each tensor name to {@code {"dtype":"F32","shape":[...],"data_offsets":[begin,end]}} (offsets
 * relative to the data section) plus an optional {@code "__metadata__"} of string values, padded with spaces
 * to a multiple of 8 bytes like the reference implementation, then the raw little-endian data.
 */
public final class Safetensors {

    private static final long MAX_HEADER = 100L * 1024 * 1024;
    static final String METADATA = "__metadata__";

    /** One float32 tensor: {@code data.length} equals the product of {@code shape}. */
    public record Tensor(String name, int[] shape, float[] data) {
        public Tensor {
            if (data.length != elements(shape)) {
                throw new IllegalArgumentException(name + ": " + data.length + " values for shape " + Arrays.toString(shape));
            }
        }
    }

    /** Tensors in file order, and the metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    private Safetensors() {
    }

    static long elements(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Writes atomically: a crash while saving leaves the previous file intact. */
    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) {
        AtomicFiles.write(file, encode(tensors, metadata));
    }

    public static byte[] encode(List<Tensor> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata);
        long dataBytes = 0;
        for (Tensor t : tensors) {
            dataBytes += 4L * t.data().length;
        }
        if (8 + header.length + dataBytes > Integer.MAX_VALUE) {
            throw new NablaException("checkpoint too large for one file: " + dataBytes + " bytes of data");
        }
        ByteBuffer out = ByteBuffer.allocate((int) (8 + header.length + dataBytes)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(header.length).put(header);
        for (Tensor t : tensors) {
            out.asFloatBuffer().put(t.data());
            out.position(out.position() + 4 * t.data().length);
        }
        return out.array();
    }

    private static byte[] header(List<Tensor> tensors, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            json.append(Json.quote(METADATA)).append(":{");
            String sep = "";
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                json.append(sep).append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
                sep = ",";
            }
            json.append('}');
        }
        long offset = 0;
        for (Tensor t : tensors) {
            json.append(json.length() > 1 ? "," : "").append(Json.quote(t.name())).append(":{\"dtype\":\"F32\",\"shape\":[");
            for (int i = 0; i < t.shape().length; i++) {
                json.append(i > 0 ? "," : "").append(t.shape()[i]);
            }
            long end = offset + 4L * t.data().length;
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        while (json.length() % 8 != 0) {
            json.append(' ');
        }
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static Contents read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > Integer.MAX_VALUE - 8) {
                throw new NablaException(file + ": " + Files.size(file) + " bytes, larger than a checkpoint can be (2 GB)");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NablaException(file + ": checkpoint file not found");
        } catch (IOException e) {
            throw new NablaException(file + ": cannot read checkpoint: " + e.getMessage(), e);
        }
        return decode(file.toString(), bytes);
    }

    /** Reads safetensors {@code bytes}; {@code source} names them in messages. */
    public static Contents decode(String source, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 8) {
            throw new NablaException(source + ": not a safetensors file (" + bytes.length + " bytes, shorter than the header length)");
        }
        long headerLength = in.getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER || 8 + headerLength > bytes.length) {
            throw new NablaException(source + ": not a safetensors file or truncated (header length " + headerLength
                    + ", file size " + bytes.length + ")");
        }
        Object header;
        try {
            header = Json.parse(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new NablaException(source + ": bad safetensors header: " + e.getMessage());
        }
        if (!(header instanceof Map)) {
            throw new NablaException(source + ": bad safetensors header: not a JSON object");
        }
        return entries(source, (Map<?, ?>) header, in, 8 + (int) headerLength);
    }

    private static Contents entries(String source, Map<?, ?> header, ByteBuffer in, int dataStart) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA)) {
                if (!(e.getValue() instanceof Map<?, ?> entries)) {
                    throw new NablaException(source + ": bad safetensors header: " + METADATA
                            + " must be an object of strings, got " + brief(e.getValue()));
                }
                entries.forEach((k, v) -> {
                    if (!(v instanceof String text)) {
                        throw new NablaException(source + ": bad safetensors header: " + METADATA + " entry \"" + k
                                + "\" must be a string, got " + brief(v));
                    }
                    metadata.put((String) k, text);
                });
                continue;
            }
            tensors.put(name, tensor(source, name, e.getValue(), in, dataStart));
        }
        return new Contents(tensors, metadata);
    }

    private static Tensor tensor(String source, String name, Object entry, ByteBuffer in, int dataStart) {
        String where = source + ": tensor \"" + name + "\"";
        if (!(entry instanceof Map)) {
            throw new NablaException(where + " has no dtype/shape/data_offsets entry");
        }
        Map<?, ?> info = (Map<?, ?>) entry;
        if (!"F32".equals(info.get("dtype"))) {
            throw new NablaException(where + " has dtype " + info.get("dtype") + "; only F32 is supported");
        }
        List<Long> dims = longs(where, info.get("shape"));
        long n = 1;
        for (long d : dims) {
            n *= Math.min(d, Integer.MAX_VALUE + 1L); // at most 2^31 times at most 2^31: no overflow
            if (d > Integer.MAX_VALUE || n > Integer.MAX_VALUE) {
                throw new NablaException(where + ": shape " + dims + " has more elements than a tensor can hold");
            }
        }
        int[] shape = dims.stream().mapToInt(Long::intValue).toArray();
        List<Long> offsets = longs(where, info.get("data_offsets"));
        if (offsets.size() != 2) {
            throw new NablaException(where + ": data_offsets must be [begin, end]");
        }
        long begin = offsets.get(0);
        long end = offsets.get(1);
        if (end - begin != 4 * n || end > in.capacity() - dataStart) {
            throw new NablaException(where + ": data_offsets [" + begin + ", " + end + "] do not fit shape "
                    + Arrays.toString(shape) + " in a file of " + in.capacity() + " bytes (truncated?)");
        }
        float[] data = new float[(int) elements(shape)];
        in.position(dataStart + (int) begin);
        in.asFloatBuffer().get(data);
        return new Tensor(name, shape, data);
    }

    /** A header value in a message, cut short: a hostile header may hold megabytes. */
    private static String brief(Object value) {
        String text = String.valueOf(value);
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    private static List<Long> longs(String where, Object value) {
        List<Long> out = new ArrayList<>();
        if (value instanceof List) {
            for (Object o : (List<?>) value) {
                if (!(o instanceof Long) || (Long) o < 0) {
                    throw new NablaException(where + ": expected non-negative integers, got " + brief(value));
                }
                out.add((Long) o);
            }
            return out;
        }
        throw new NablaException(where + ": expected a list of integers, got " + brief(value));
    }
}
