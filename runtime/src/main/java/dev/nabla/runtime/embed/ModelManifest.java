package dev.nabla.runtime.embed;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.checkpoint.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code nabla compile} (or the Maven plugin) records about one compiled model, as the resource
 * {@code Facade.model.json} beside its façade and kernel classes: the spec the kernels run with (buffer layout,
 * optimizer, train block), the kernel and façade class names, the source file and line, the compiler version,
 * whether training kernels are present, the weights resource (if any), class names, the preprocessing the weights
 * were trained with, and, for readers, each input, output and parameter with its shape.
 *
 * @param model           the model's name in its source
 * @param facade          binary name of the generated façade class
 * @param kernels         binary name of the generated class implementing {@link dev.nabla.runtime.CompiledModel}
 * @param sourceFile      the {@code .nabla} file, as given to the compiler
 * @param sourceLine      the line of {@code model NAME} in it (0 when unknown)
 * @param compilerVersion the Nabla version that compiled it
 * @param inferenceOnly   compiled without {@code trainStep}, {@code evaluate} and {@code update}
 * @param weights         resource name of the weights beside the manifest, or {@code null}
 * @param classNames      names of the classes in label order when the training data names them, else empty
 * @param preprocess      the weights' preprocessing as checkpoint metadata ({@code preprocess.*}), or empty
 * @param spec            the spec the kernels were compiled with
 */
public record ModelManifest(String model, String facade, String kernels, String sourceFile, int sourceLine,
                            String compilerVersion, boolean inferenceOnly, String weights, List<String> classNames,
                            Map<String, String> preprocess, ModelSpec spec) {

    /** Lists one façade class name per line, for {@link JarMain}. */
    public static final String INDEX = "META-INF/nabla/models";
    private static final String FORMAT = "nabla-model";

    public ModelManifest {
        classNames = List.copyOf(classNames);
        preprocess = Map.copyOf(new LinkedHashMap<>(preprocess));
    }

    /** {@code Digits.model.json} for façade {@code pkg.Digits}. */
    public static String resourceName(String facadeSimpleName) {
        return facadeSimpleName + ".model.json";
    }

    /** {@code Digits.safetensors} for façade {@code pkg.Digits}. */
    public static String weightsName(String facadeSimpleName) {
        return facadeSimpleName + ".safetensors";
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("formatVersion", 1L);
        m.put("model", model);
        m.put("facade", facade);
        m.put("kernels", kernels);
        m.put("source", sourceFile);
        m.put("line", (long) sourceLine);
        m.put("compiler", compilerVersion);
        m.put("inferenceOnly", inferenceOnly);
        m.put("weights", weights);
        m.put("classNames", List.copyOf(classNames));
        m.put("inputs", described(BufferRole.INPUT));
        m.put("outputs", described(BufferRole.OUTPUT));
        m.put("targets", described(BufferRole.TARGET));
        m.put("parameters", described(BufferRole.PARAM));
        m.put("state", described(BufferRole.STATE));
        m.put("preprocess", new LinkedHashMap<>(preprocess));
        m.put("spec", SpecJson.write(spec));
        return Json.write(m) + "\n";
    }

    private List<Object> described(BufferRole role) {
        List<Object> out = new ArrayList<>();
        for (BufferSpec b : spec.buffers()) {
            if (b.role() == role) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("name", b.name());
                List<Object> shape = new ArrayList<>();
                for (int dim : b.shape()) {
                    shape.add(dim == BufferSpec.BATCH ? (Object) "B" : (Object) (long) dim);
                }
                d.put("shape", shape);
                if (b.classes() != 0) {
                    d.put(b.binary() ? "binary" : "classes", b.binary() ? (Object) true : (Object) (long) b.classes());
                }
                out.add(d);
            }
        }
        return out;
    }

    /** @throws NablaException naming {@code source} when the text is not a manifest */
    public static ModelManifest parse(String source, String json) {
        try {
            Map<?, ?> m = (Map<?, ?>) Json.parse(json);
            if (!FORMAT.equals(m.get("format"))) {
                throw new IllegalArgumentException("not a Nabla model manifest");
            }
            Map<String, String> preprocess = new LinkedHashMap<>();
            SpecJson.map(m, "preprocess").forEach((k, v) -> preprocess.put((String) k, (String) v));
            return new ModelManifest(SpecJson.str(m, "model"), SpecJson.str(m, "facade"), SpecJson.str(m, "kernels"),
                    SpecJson.str(m, "source"), (int) SpecJson.num(m.get("line")), SpecJson.str(m, "compiler"),
                    Boolean.TRUE.equals(m.get("inferenceOnly")), (String) m.get("weights"),
                    SpecJson.list(m, "classNames").stream().map(String.class::cast).toList(), preprocess,
                    SpecJson.read(SpecJson.map(m, "spec")));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new NablaException(source + ": not a valid Nabla model manifest (" + e.getMessage() + ")");
        }
    }

    /** Reads the resource {@code name} beside class {@code anchor}. */
    public static ModelManifest read(Class<?> anchor, String name) {
        String where = anchor.getPackageName().replace('.', '/') + "/" + name;
        byte[] bytes = resource(anchor, name);
        if (bytes == null) {
            throw new NablaException("no model manifest " + where + " on the class path beside " + anchor.getName()
                    + " (the classes were not written by nabla compile or the Nabla Maven plugin, or the resource was"
                    + " left out of the jar)");
        }
        return parse(where, new String(bytes, StandardCharsets.UTF_8));
    }

    /**
     * The spec of a generated kernel class: what its no-argument constructor calls, so the kernels can be
     * instantiated with only the runtime on the class path.
     */
    public static ModelSpec spec(Class<?> kernels, String name) {
        return read(kernels, name).spec();
    }

    /** The bytes of resource {@code name} beside {@code anchor}, or {@code null} when there is none. */
    static byte[] resource(Class<?> anchor, String name) {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new NablaException("cannot read resource " + name + " beside " + anchor.getName() + ": " + e.getMessage(), e);
        }
    }
}
