package dev.nabla.compiler.embed;

import dev.nabla.compiler.codegen.ModelClasses;
import dev.nabla.runtime.embed.ModelManifest;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One model compiled for embedding: the kernel classes (bytecode), the façade (Java source, compiled by the
 * caller: {@link FacadeCompiler} for a jar, the module's own javac in the Maven plugin), the manifest and the
 * weights, all in {@code manifest.facade()}'s package.
 *
 * @param weights safetensors bytes, or {@code null} when compiled without weights
 */
public record ModelArtifact(ModelManifest manifest, ModelClasses kernels, String facadeSource, byte[] weights) {

    public String facadeClass() {
        return manifest.facade();
    }

    /** {@code pkg/Digits.java}. */
    public String facadeSourcePath() {
        return manifest.facade().replace('.', '/') + ".java";
    }

    /** Resources by path (manifest and weights), as they go beside the classes. */
    public Map<String, byte[]> resources() {
        String dir = packagePath();
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put(dir + ModelManifest.resourceName(simpleName()), manifest.toJson().getBytes(StandardCharsets.UTF_8));
        if (weights != null) {
            out.put(dir + manifest.weights(), weights);
        }
        return out;
    }

    /** Kernel class files by path ({@code pkg/DigitsKernels$S0.class}). */
    public Map<String, byte[]> kernelClassFiles() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        kernels.classes().forEach((name, bytes) -> out.put(name.replace('.', '/') + ".class", bytes));
        return out;
    }

    private String simpleName() {
        return manifest.facade().substring(manifest.facade().lastIndexOf('.') + 1);
    }

    private String packagePath() {
        int dot = manifest.facade().lastIndexOf('.');
        return dot < 0 ? "" : manifest.facade().substring(0, dot).replace('.', '/') + "/";
    }
}
