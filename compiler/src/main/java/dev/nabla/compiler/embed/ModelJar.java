package dev.nabla.compiler.embed;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.Version;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.checkpoint.AtomicFiles;
import dev.nabla.runtime.embed.JarMain;
import dev.nabla.runtime.embed.ModelManifest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Writes compiled models as one jar: per model the kernel classes, the compiled façade and its source, the manifest
 * resource and the weights; the index {@link ModelManifest#INDEX}; with {@code selfContained}, the runtime's classes
 * and a {@code Main-Class} ({@link JarMain}). Entries are sorted and dated alike, so the same inputs give the same
 * bytes; the file is replaced atomically.
 */
public final class ModelJar {

    /** 1980-02-01, the earliest time a zip entry holds, for every entry. */
    private static final long ENTRY_TIME = 315_532_800_000L + 31L * 86_400_000L;

    private ModelJar() {
    }

    /**
     * Compiles the models for embedding ({@link ModelArtifacts#build}), their façades with javac, and writes the jar:
     * what {@code nabla compile -o} does.
     *
     * @return the models' artifacts, in order
     */
    public static List<ModelArtifact> compile(Path jar, List<ModelIr> models, EmbedOptions options, boolean selfContained) {
        List<ModelArtifact> artifacts = new ArrayList<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (ModelIr m : models) {
            ModelArtifact a = ModelArtifacts.build(m, options);
            artifacts.add(a);
            sources.put(a.facadeClass(), a.facadeSource());
        }
        write(jar, artifacts, FacadeCompiler.compile(sources), selfContained);
        return artifacts;
    }

    /**
     * @param facadeClasses the compiled façades, by binary class name ({@link FacadeCompiler#compile})
     */
    public static void write(Path jar, List<ModelArtifact> models, Map<String, byte[]> facadeClasses, boolean selfContained) {
        Map<String, byte[]> entries = new TreeMap<>();
        StringBuilder index = new StringBuilder();
        for (ModelArtifact m : models) {
            add(entries, m.kernelClassFiles());
            add(entries, m.resources());
            add(entries, Map.of(m.facadeSourcePath(), m.facadeSource().getBytes(StandardCharsets.UTF_8)));
            index.append(m.facadeClass()).append('\n');
        }
        Map<String, byte[]> facades = new LinkedHashMap<>();
        facadeClasses.forEach((name, bytes) -> facades.put(name.replace('.', '/') + ".class", bytes));
        add(entries, facades);
        entries.put(ModelManifest.INDEX, index.toString().getBytes(StandardCharsets.UTF_8));
        if (selfContained) {
            add(entries, runtimeClasses());
        }
        AtomicFiles.write(jar, bytes(entries, selfContained));
        try {
            // a jar is for others to read, unlike the checkpoints AtomicFiles was made for
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: its defaults stand
        }
    }

    private static void add(Map<String, byte[]> entries, Map<String, byte[]> more) {
        more.forEach((path, bytes) -> {
            if (entries.put(path, bytes) != null) {
                throw new NablaException("two models would both write " + path + " (give them different names)");
            }
        });
    }

    private static byte[] bytes(Map<String, byte[]> entries, boolean selfContained) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Created-By", "Nabla " + Version.VERSION);
        if (selfContained) {
            main.put(Attributes.Name.MAIN_CLASS, JarMain.class.getName());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out)) {
            JarEntry me = new JarEntry(JarFile.MANIFEST_NAME);
            me.setTime(ENTRY_TIME);
            jar.putNextEntry(me);
            manifest.write(jar);
            jar.closeEntry();
            for (String dir : directories(entries)) {
                JarEntry d = new JarEntry(dir);
                d.setTime(ENTRY_TIME);
                jar.putNextEntry(d);
                jar.closeEntry();
            }
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                JarEntry entry = new JarEntry(e.getKey());
                entry.setTime(ENTRY_TIME);
                jar.putNextEntry(entry);
                jar.write(e.getValue());
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Every parent directory of the entries, so class loaders that list packages find them. */
    private static List<String> directories(Map<String, byte[]> entries) {
        TreeMap<String, Boolean> dirs = new TreeMap<>();
        for (String path : entries.keySet()) {
            for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
                dirs.put(path.substring(0, slash + 1), true);
            }
        }
        return dirs.keySet().stream().filter(d -> !d.startsWith("META-INF/")).toList();
    }

    /** The runtime's class files, from the directory or jar it is loaded from. */
    private static Map<String, byte[]> runtimeClasses() {
        Path location = Path.of(FacadeCompiler.runtimeLocation());
        Map<String, byte[]> out = new TreeMap<>();
        try {
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.walk(location.resolve("dev/nabla/runtime"))) {
                    for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                        out.put(location.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                    }
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
                        if (e.getName().startsWith("dev/nabla/runtime/") && e.getName().endsWith(".class")) {
                            try (InputStream in = jar.getInputStream(e)) {
                                out.put(e.getName(), in.readAllBytes());
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new NablaException("cannot read the runtime's classes from " + location + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new NablaException("no runtime classes found at " + location + " for --self-contained");
        }
        return out;
    }
}
