package dev.nabla.runtime.embed;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.InitSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.TrainConfig.DataSpec;
import dev.nabla.runtime.TrainConfig.Schedule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ModelSpec} as JSON values ({@link dev.nabla.runtime.checkpoint.Json}) and back, field for field, so the
 * generated kernels of a compiled jar find their buffer layout, optimizer and train block without the compiler.
 */
final class SpecJson {

    private SpecJson() {
    }

    static Map<String, Object> write(ModelSpec spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", spec.name());
        m.put("sourceFile", spec.sourceFile());
        m.put("buffers", spec.buffers().stream().map(SpecJson::buffer).toList());
        m.put("optimizer", optimizer(spec.optimizer()));
        m.put("train", train(spec.train()));
        return m;
    }

    static ModelSpec read(Map<?, ?> m) {
        List<BufferSpec> buffers = new ArrayList<>();
        for (Object b : list(m, "buffers")) {
            buffers.add(buffer((Map<?, ?>) b));
        }
        return new ModelSpec(str(m, "name"), str(m, "sourceFile"), buffers, optimizer(map(m, "optimizer")),
                train(map(m, "train")));
    }

    private static Map<String, Object> buffer(BufferSpec b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", b.name());
        m.put("role", b.role().name());
        m.put("shape", shape(b.shape()));
        if (b.init() != null) {
            m.put("init", List.of(b.init().kind().name(), b.init().a(), b.init().b()));
        }
        if (b.of() != null) {
            m.put("of", b.of());
        }
        if (b.classes() != 0) {
            m.put("classes", (long) b.classes());
        }
        if (b.line() != 0) {
            m.put("line", (long) b.line());
        }
        return m;
    }

    private static BufferSpec buffer(Map<?, ?> m) {
        List<?> init = (List<?>) m.get("init");
        InitSpec spec = init == null ? null
                : new InitSpec(InitSpec.Kind.valueOf((String) init.get(0)), num(init.get(1)), num(init.get(2)));
        List<?> shape = list(m, "shape");
        int[] dims = new int[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = (int) num(shape.get(i));
        }
        Object classes = m.get("classes");
        Object line = m.get("line");
        return new BufferSpec(str(m, "name"), BufferRole.valueOf(str(m, "role")), dims, spec, (String) m.get("of"),
                classes == null ? 0 : (int) num(classes), line == null ? 0 : (int) num(line));
    }

    static List<Object> shape(int[] dims) {
        List<Object> out = new ArrayList<>();
        for (int d : dims) {
            out.add((long) d);
        }
        return out;
    }

    private static Map<String, Object> optimizer(OptimizerSpec o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", o.kind().name());
        m.put("lr", o.lr());
        m.put("momentum", o.momentum());
        m.put("beta1", o.beta1());
        m.put("beta2", o.beta2());
        m.put("alpha", o.alpha());
        m.put("eps", o.eps());
        m.put("weightDecay", o.weightDecay());
        return m;
    }

    private static OptimizerSpec optimizer(Map<?, ?> m) {
        return new OptimizerSpec(OptimizerSpec.Kind.valueOf(str(m, "kind")), num(m.get("lr")), num(m.get("momentum")),
                num(m.get("beta1")), num(m.get("beta2")), num(m.get("alpha")), num(m.get("eps")),
                num(m.get("weightDecay")));
    }

    private static Map<String, Object> train(TrainConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", optimizer(c.optimizer()));
        Schedule s = c.schedule();
        m.put("schedule", List.of(s.kind().name(), s.gamma(), (long) s.stepSize(), (long) s.warmupSteps()));
        m.put("batchSize", (long) c.batchSize());
        m.put("epochs", (long) c.epochs());
        m.put("clipNorm", c.clipNorm());
        m.put("seed", c.seed());
        m.put("shuffle", c.shuffle());
        m.put("dropLast", c.dropLast());
        m.put("trainData", data(c.trainData()));
        m.put("testData", data(c.testData()));
        m.put("testSplit", c.testSplit());
        m.put("validationSplit", c.validationSplit());
        m.put("earlyStopping", (long) c.earlyStopping());
        m.put("preprocess", List.copyOf(c.preprocess()));
        return m;
    }

    private static TrainConfig train(Map<?, ?> m) {
        List<?> s = list(m, "schedule");
        Schedule schedule = new Schedule(Schedule.Kind.valueOf((String) s.get(0)), num(s.get(1)), (int) num(s.get(2)),
                (int) num(s.get(3)));
        List<String> preprocess = list(m, "preprocess").stream().map(String.class::cast).toList();
        return new TrainConfig(optimizer(map(m, "optimizer")), schedule, (int) num(m.get("batchSize")),
                (int) num(m.get("epochs")), num(m.get("clipNorm")), whole(m.get("seed")),
                (Boolean) m.get("shuffle"), (Boolean) m.get("dropLast"), data((Map<?, ?>) m.get("trainData")),
                data((Map<?, ?>) m.get("testData")), num(m.get("testSplit")), num(m.get("validationSplit")),
                (int) num(m.get("earlyStopping")), preprocess);
    }

    private static Map<String, Object> data(DataSpec d) {
        if (d == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", d.format());
        m.put("paths", List.copyOf(d.paths()));
        m.put("options", new LinkedHashMap<>(d.options()));
        return m;
    }

    private static DataSpec data(Map<?, ?> m) {
        if (m == null) {
            return null;
        }
        Map<String, String> options = new LinkedHashMap<>();
        map(m, "options").forEach((k, v) -> options.put((String) k, (String) v));
        return new DataSpec(str(m, "format"), list(m, "paths").stream().map(String.class::cast).toList(), options);
    }

    static String str(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("\"" + key + "\" is not a string: " + v);
        }
        return s;
    }

    static List<?> list(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("\"" + key + "\" is not a list: " + v);
        }
        return l;
    }

    static Map<?, ?> map(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Map<?, ?> l)) {
            throw new IllegalArgumentException("\"" + key + "\" is not an object: " + v);
        }
        return l;
    }

    /** A seed is a long that a double may not hold exactly: read integers as they are. */
    static long whole(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        throw new IllegalArgumentException("not an integer: " + v);
    }

    static double num(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("not a number: " + v);
    }
}
