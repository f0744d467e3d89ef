package dev.nabla.maven;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.diag.Diagnostic;
import dev.nabla.compiler.embed.EmbedOptions;
import dev.nabla.compiler.embed.ModelArtifact;
import dev.nabla.compiler.embed.ModelArtifacts;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.embed.ModelManifest;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Compiles every {@code src/main/nabla/**}{@code /*.nabla} file: the typed façade of each model goes to the generated
 * sources (compiled with the module's own Java code), its kernel classes, manifest and weights (a
 * {@code NAME.safetensors} beside the model file, if there is one) to the build output. Files whose inputs have not
 * changed since the last build are skipped. A model error fails the build with {@code file:line:col: error: ...}.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class CompileMojo extends AbstractMojo {

    /** Where the {@code .nabla} files are; a file in a subdirectory gets the subdirectory's package. */
    @Parameter(property = "nabla.sourceDirectory", defaultValue = "${project.basedir}/src/main/nabla")
    File sourceDirectory;

    /** Where the façades' Java sources are written; added to the module's compile source roots. */
    @Parameter(defaultValue = "${project.build.directory}/generated-sources/nabla")
    File generatedSources;

    /** Where the kernel classes, manifests and weights are written. */
    @Parameter(defaultValue = "${project.build.outputDirectory}")
    File outputDirectory;

    /** The package of the models of files directly in the source directory. */
    @Parameter(property = "nabla.package", defaultValue = EmbedOptions.DEFAULT_PACKAGE)
    String packageName;

    /** Leave out the training kernels and the optimizer: no fine-tuning, smaller classes. */
    @Parameter(property = "nabla.inferenceOnly", defaultValue = "false")
    boolean inferenceOnly;

    @Parameter(property = "nabla.skip", defaultValue = "false")
    boolean skip;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Nabla: skipped (nabla.skip)");
            return;
        }
        project.addCompileSourceRoot(generatedSources.getPath());
        List<Path> files = sources();
        if (files.isEmpty()) {
            getLog().info("Nabla: no .nabla files in " + sourceDirectory);
            return;
        }
        Path stamps = Path.of(project.getBuild().getDirectory(), "nabla-stamps");
        Set<String> facades = new LinkedHashSet<>();
        List<String> failed = new ArrayList<>();
        try {
            String context = context(files);
            for (Path file : files) {
                Path rel = sourceDirectory.toPath().relativize(file);
                Stamp stamp = new Stamp(stamps.resolve(rel + ".stamp"), Stamp.hash(context, file, weightsBeside(file)));
                List<String> done = stamp.upToDate(generatedSources.toPath(), outputDirectory.toPath());
                if (done != null) {
                    getLog().info("Nabla: " + rel + " is up to date (" + String.join(", ", done) + ")");
                    facades.addAll(done);
                    continue;
                }
                List<String> compiled = compile(file, packageOf(rel));
                if (compiled == null) {
                    failed.add(rel.toString());
                    continue;
                }
                stamp.write(compiled);
                facades.addAll(compiled);
            }
            writeIndex(facades);
        } catch (IOException e) {
            throw new MojoExecutionException("Nabla: " + e.getMessage(), e);
        }
        if (!failed.isEmpty()) {
            throw new MojoFailureException("Nabla: " + String.join(", ", failed) + (failed.size() == 1 ? " has" : " have")
                    + " errors (see above)");
        }
    }

    private List<Path> sources() throws MojoExecutionException {
        if (!sourceDirectory.isDirectory()) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(sourceDirectory.toPath())) {
            return walk.filter(p -> p.toString().endsWith(".nabla") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new MojoExecutionException("Nabla: cannot list " + sourceDirectory + ": " + e.getMessage(), e);
        }
    }

    /**
     * What every file's outputs also depend on: the options, the compiler's version and every {@code .nabla} file
     * of the source directory (a model may import any of them).
     */
    private String context(List<Path> files) throws IOException {
        StringBuilder s = new StringBuilder(dev.nabla.compiler.Version.VERSION).append('|').append(packageName)
                .append('|').append(inferenceOnly);
        for (Path f : files) {
            s.append('|').append(f).append('=').append(Stamp.hash("", f, null));
        }
        return s.toString();
    }

    /** {@code com/example/digits.nabla} is in package {@code com.example}; a file at the top, in {@link #packageName}. */
    private String packageOf(Path rel) {
        Path dir = rel.getParent();
        return dir == null ? packageName : dir.toString().replace(File.separatorChar, '.');
    }

    /** {@code digits.safetensors} beside {@code digits.nabla}, or {@code null}. */
    private static Path weightsBeside(Path file) {
        String name = file.getFileName().toString();
        Path w = file.resolveSibling(name.substring(0, name.length() - ".nabla".length()) + ".safetensors");
        return Files.isRegularFile(w) ? w : null;
    }

    /** @return the façades written, or {@code null} when the file has errors (already logged) */
    private List<String> compile(Path file, String pkg) throws IOException, MojoFailureException {
        long start = System.nanoTime();
        Compilation c = Compiler.compileFile(file);
        for (Diagnostic d : c.diagnostics()) {
            String text = d.render().stripTrailing();
            if (d.isError()) {
                getLog().error(text);
            } else {
                getLog().warn(text);
            }
        }
        if (!c.ok()) {
            return null;
        }
        if (c.models().isEmpty()) {
            getLog().warn(file + ": declares no model");
            return List.of();
        }
        Path weights = weightsBeside(file);
        List<String> facades = new ArrayList<>();
        for (ModelIr model : c.models()) {
            Path w = weights != null && c.models().size() == 1 ? weights : namedWeights(file, model);
            ModelArtifact a;
            try {
                a = ModelArtifacts.build(model, new EmbedOptions(pkg, inferenceOnly, w));
            } catch (NablaException e) {
                throw new MojoFailureException("Nabla: " + e.getMessage());
            }
            write(generatedSources.toPath(), a.facadeSourcePath(), a.facadeSource().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (var e : a.kernelClassFiles().entrySet()) {
                write(outputDirectory.toPath(), e.getKey(), e.getValue());
            }
            for (var e : a.resources().entrySet()) {
                write(outputDirectory.toPath(), e.getKey(), e.getValue());
            }
            facades.add(a.facadeClass());
            getLog().info(String.format("Nabla: compiled %s from %s to %s (%s%s) in %.0f ms", model.name(),
                    file.getFileName(), a.facadeClass(), w != null ? "weights " + w.getFileName() : "no weights",
                    inferenceOnly ? ", inference only" : "", (System.nanoTime() - start) / 1e6));
        }
        return facades;
    }

    /** In a file of several models, each model's weights are {@code ModelName.safetensors} beside it. */
    private static Path namedWeights(Path file, ModelIr model) {
        Path w = file.resolveSibling(model.name() + ".safetensors");
        return Files.isRegularFile(w) ? w : null;
    }

    private static void write(Path root, String relative, byte[] bytes) throws IOException {
        Path target = root.resolve(relative);
        Files.createDirectories(target.getParent());
        if (!Files.exists(target) || !java.util.Arrays.equals(Files.readAllBytes(target), bytes)) {
            Files.write(target, bytes);
        }
    }

    /** {@code META-INF/nabla/models}: the façades of this module, for {@code JarMain} and tools. */
    private void writeIndex(Set<String> facades) throws IOException {
        StringBuilder s = new StringBuilder();
        facades.forEach(f -> s.append(f).append('\n'));
        write(outputDirectory.toPath(), ModelManifest.INDEX, s.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
