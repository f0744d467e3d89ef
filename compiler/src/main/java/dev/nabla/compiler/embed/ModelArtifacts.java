package dev.nabla.compiler.embed;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.Version;
import dev.nabla.compiler.codegen.EmitTarget;
import dev.nabla.compiler.codegen.ModelClasses;
import dev.nabla.compiler.codegen.ModelCompiler;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.checkpoint.Checkpoint;
import dev.nabla.runtime.data.DataLoader;
import dev.nabla.runtime.embed.ModelManifest;

import javax.lang.model.SourceVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles a model for embedding: kernels with their spec built in (a manifest resource their no-argument
 * constructor reads), the weights checked against the model, and a typed façade named after the model.
 */
public final class ModelArtifacts {

    private ModelArtifacts() {
    }

    /**
     * @throws NablaException when the package is not a Java package name, or the weights are not this model's
     */
    public static ModelArtifact build(ModelIr model, EmbedOptions options) {
        String pkg = options.packageName();
        if (!SourceVersion.isName(pkg)) {
            throw new NablaException("--package " + pkg + " is not a Java package name (e.g. com.example.models)");
        }
        String simple = facadeName(model.name());
        String facade = pkg + "." + simple;
        EmitTarget target = new EmitTarget(facade + "Kernels", ModelManifest.resourceName(simple), options.inferenceOnly());
        ModelClasses kernels = ModelCompiler.compile(model, model.config().optimizer(), java.util.Set.of(), target);
        ModelSpec spec = kernels.spec();
        byte[] weights = null;
        Map<String, String> preprocess = new LinkedHashMap<>();
        if (options.weights() != null) {
            float[][] buffers = spec.allocate(1);
            Map<String, String> metadata = Checkpoint.load(options.weights(), spec, buffers);
            weights = Checkpoint.encode(spec, buffers, metadata);
            metadata.forEach((k, v) -> {
                if (k.startsWith("preprocess.")) {
                    preprocess.put(k, v);
                }
            });
        }
        ModelManifest manifest = new ModelManifest(model.name(), facade, target.mainClass(), model.sourceFile(),
                modelLine(model), Version.VERSION, options.inferenceOnly(),
                weights == null ? null : ModelManifest.weightsName(simple), classNames(model), preprocess, spec);
        return new ModelArtifact(manifest, kernels, FacadeSource.generate(manifest, lines(model)), weights);
    }

    /** The façade's simple name: the model's name as a Java identifier that is not a keyword. */
    static String facadeName(String model) {
        String id = EmitTarget.identifier(model);
        return SourceVersion.isKeyword(id) ? id + "Model" : id;
    }

    /** The line of {@code model NAME} in the source file (0 when the file cannot be read again). */
    private static int modelLine(ModelIr model) {
        try {
            List<String> lines = Files.readAllLines(Path.of(model.sourceFile()));
            Pattern decl = Pattern.compile("^\\s*model\\s+" + Pattern.quote(model.name()) + "\\b");
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = decl.matcher(lines.get(i));
                if (m.find()) {
                    return i + 1;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** Where each input and output is declared, by name, for the façade's Javadoc. */
    private static Map<String, Integer> lines(ModelIr model) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Graph g = model.inference();
        for (Graph.Input in : g.inputs(Graph.InputRole.INPUT)) {
            out.put(in.value().name(), in.span().line());
        }
        for (Graph.Output o : g.outputs(Graph.OutputRole.OUTPUT)) {
            g.body().stream().filter(i -> i.out().equals(o.value())).findFirst()
                    .filter(i -> i.span().file().equals(model.sourceFile()))
                    .ifPresent(i -> out.putIfAbsent(o.name(), i.span().line()));
        }
        return out;
    }

    /** The class names the training data gives; none when it names none or cannot be read now. */
    private static List<String> classNames(ModelIr model) {
        if (model.config().trainData() == null) {
            return List.of();
        }
        try {
            return DataLoader.classNames(model.config().trainData());
        } catch (NablaException e) {
            return List.of();
        }
    }
}
