package dev.nabla.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The record of one {@code .nabla} file's last compilation: a hash of everything its outputs depend on (the file,
 * its weights, the options, the compiler version, the other model files it may import) and the façades it wrote.
 * A file is up to date when the hash is unchanged and those outputs are still there.
 */
final class Stamp {

    private final Path file;
    private final String hash;

    Stamp(Path file, String hash) {
        this.file = file;
        this.hash = hash;
    }

    /** SHA-256 of {@code context}, the model file and, if not null, the weights. */
    static String hash(String context, Path model, Path weights) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(context.getBytes(StandardCharsets.UTF_8));
            sha.update(Files.readAllBytes(model));
            if (weights != null) {
                sha.update((byte) 1);
                sha.update(Files.readAllBytes(weights));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The façades of the last compilation when nothing changed and their outputs exist; otherwise {@code null}. */
    List<String> upToDate(Path generatedSources, Path outputDirectory) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(hash)) {
            return null;
        }
        List<String> facades = new ArrayList<>(lines.subList(1, lines.size()));
        for (String f : facades) {
            String path = f.replace('.', '/');
            if (!Files.isRegularFile(generatedSources.resolve(path + ".java"))
                    || !Files.isRegularFile(outputDirectory.resolve(path + "Kernels.class"))) {
                return null;
            }
        }
        return facades;
    }

    void write(List<String> facades) throws IOException {
        Files.createDirectories(file.getParent());
        List<String> lines = new ArrayList<>(List.of(hash));
        lines.addAll(facades);
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
