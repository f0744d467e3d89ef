package dev.nabla.spark;

import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.embed.ModelManifest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

/**
 * A jar written by {@code nabla compile -o} (or the Maven plugin), read into memory with the manifest of the model
 * to train. The driver broadcasts its {@link #shipment()} once, so that every executor loads the same kernels without
 * the jar being on its class path.
 *
 * @param name     where the jar came from, for messages
 * @param bytes    the jar file
 * @param manifest the chosen model's manifest (its spec, kernel class, whether it can train)
 */
record CompiledJar(String name, byte[] bytes, ModelManifest manifest) {

    /**
     * What executors receive: the jar's bytes and the façade of the model in it.
     *
     * @param key SHA-256 of the bytes and the façade class: a JVM keeps one loaded model per key
     */
    record Shipment(String name, byte[] bytes, String facade, String key) implements Serializable {

        CompiledJar open() {
            return CompiledJar.of(name, bytes, facade);
        }
    }

    Shipment shipment() {
        return new Shipment(name, bytes, manifest.facade(), sha256(bytes) + "/" + manifest.facade());
    }

    static CompiledJar read(Path jar, String modelName) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(jar);
        } catch (IOException e) {
            throw new NablaException("cannot read the model jar " + jar + ": " + (Files.exists(jar) ? e.getMessage()
                    : "no such file") + " (write one with nabla compile MODEL.nabla -o " + jar.getFileName() + ")");
        }
        return of(jar.toString(), bytes, modelName);
    }

    /**
     * @param modelName the model's name or façade class when the jar holds several, else {@code null}
     * @throws NablaException when the bytes are not a Nabla model jar, the model is not in it, or it cannot train
     */
    static CompiledJar of(String name, byte[] bytes, String modelName) {
        Map<String, byte[]> entries = entries(name, bytes);
        byte[] index = entries.get(ModelManifest.INDEX);
        if (index == null) {
            throw new NablaException(name + " is not a Nabla model jar: it has no " + ModelManifest.INDEX
                    + " (write one with nabla compile MODEL.nabla -o MODEL.jar)");
        }
        List<String> facades = new ArrayList<>();
        for (String line : new String(index, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                facades.add(line.trim());
            }
        }
        List<ModelManifest> manifests = new ArrayList<>();
        for (String facade : facades) {
            String resource = facade.replace('.', '/') + ".model.json";
            byte[] json = entries.get(resource);
            if (json == null) {
                throw new NablaException(name + ": the manifest " + resource + " of " + facade + " is missing");
            }
            manifests.add(ModelManifest.parse(name + "!/" + resource, new String(json, StandardCharsets.UTF_8)));
        }
        ModelManifest chosen = choose(name, manifests, modelName);
        if (chosen.inferenceOnly()) {
            throw new NablaException(name + ": model " + chosen.model() + " was compiled with --inference-only; its jar"
                    + " has no training kernels: compile it without --inference-only to train it");
        }
        return new CompiledJar(name, bytes, chosen);
    }

    private static ModelManifest choose(String name, List<ModelManifest> manifests, String modelName) {
        List<String> names = manifests.stream().map(ModelManifest::model).toList();
        if (modelName == null) {
            if (manifests.size() != 1) {
                throw new NablaException(name + " holds " + manifests.size() + " models " + names
                        + ": choose one (--model NAME)");
            }
            return manifests.get(0);
        }
        return manifests.stream().filter(m -> m.model().equals(modelName) || m.facade().equals(modelName))
                .findFirst().orElseThrow(() -> new NablaException(name + " has no model named " + modelName
                        + " (models: " + String.join(", ", names) + ")"));
    }

    /** Every file of the jar by its entry name. */
    static Map<String, byte[]> entries(String name, byte[] bytes) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(bytes))) {
            for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                if (!e.isDirectory()) {
                    out.put(e.getName(), in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new NablaException(name + " is not a readable jar: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new NablaException(name + " is not a jar (no entries could be read)");
        }
        return out;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
