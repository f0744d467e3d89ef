package dev.nabla.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs an exported model under ONNX Runtime's Java API: float (or int32) inputs by name, float outputs by name. */
final class OnnxRuntimeRunner implements AutoCloseable {

    /** One input: its shape (batch included) and values, row-major. */
    record Input(long[] shape, float[] values, boolean int32) {
        static Input floats(long[] shape, float[] values) {
            return new Input(shape, values, false);
        }
    }

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OnnxRuntimeRunner(byte[] model) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1); // the tests share a small machine; results do not depend on it
        session = ENV.createSession(model, options);
    }

    Map<String, float[]> run(Map<String, Input> inputs) throws OrtException {
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Input> e : inputs.entrySet()) {
                Input in = e.getValue();
                if (in.int32()) {
                    int[] ints = new int[in.values().length];
                    for (int k = 0; k < ints.length; k++) {
                        ints[k] = (int) in.values()[k];
                    }
                    tensors.put(e.getKey(), OnnxTensor.createTensor(ENV, IntBuffer.wrap(ints), in.shape()));
                } else {
                    tensors.put(e.getKey(), OnnxTensor.createTensor(ENV, FloatBuffer.wrap(in.values()), in.shape()));
                }
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            try (OrtSession.Result r = session.run(tensors)) {
                for (Map.Entry<String, OnnxValue> e : r) {
                    FloatBuffer b = ((OnnxTensor) e.getValue()).getFloatBuffer();
                    float[] values = new float[b.remaining()];
                    b.get(values);
                    out.put(e.getKey(), values);
                }
            }
            return out;
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
