package dev.nabla.compiler.codegen;

import dev.nabla.compiler.lower.Listing;
import dev.nabla.compiler.lower.Program;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The result of compiling one model: its spec, class bytes, kernel listing; loadable in-process or writable to disk. */
public final class ModelClasses {

    private final ModelSpec spec;
    private final String mainClass;
    private final LazyClasses classes;
    private final List<Program> programs;
    private final UpdateSchedule schedule;
    private final List<String> temps;

    ModelClasses(ModelSpec spec, String mainClass, LazyClasses classes, List<Program> programs,
                 UpdateSchedule schedule, List<String> temps) {
        this.spec = spec;
        this.mainClass = mainClass;
        this.classes = classes;
        this.programs = List.copyOf(programs);
        this.schedule = schedule;
        this.temps = List.copyOf(temps);
    }

    public ModelSpec spec() {
        return spec;
    }

    /** Binary name of the class implementing {@link CompiledModel} (its constructor takes the {@link ModelSpec}). */
    public String mainClass() {
        return mainClass;
    }

    /**
     * Every class's bytes by binary name, both kernel families (a jar must run wherever it goes): emits the families
     * not emitted yet.
     */
    public Map<String, byte[]> classes() {
        return classes.all();
    }

    /** The kernel families emitted so far: none after compiling, the running one after {@link #load()}. */
    Set<ClassEmitter.Family> emittedFamilies() {
        return classes.emitted();
    }

    /** How many times a kernel family was emitted (at most once each). */
    int familyEmissions() {
        return classes.emissions();
    }

    /** The loop IR of each entry point, in order. */
    public List<Program> programs() {
        return programs;
    }

    /** The order of the fused step's kernels ({@code trainAndUpdate}), or null for an inference-only model. */
    public UpdateSchedule schedule() {
        return schedule;
    }

    /** How many kernels each entry point (predict, trainStep, update, evaluate) runs, in order. */
    public Map<String, Integer> kernelCounts() {
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        programs.forEach(p -> counts.put(p.entry(), p.kernels().size()));
        return counts;
    }

    /** The kernels of predict, trainStep and update, the fused step's order, and what each TEMP buffer holds. */
    public String listing() {
        StringBuilder s = new StringBuilder("model ").append(spec.name()).append(" (").append(spec.sourceFile()).append(")\n");
        programs.forEach(p -> s.append(Listing.print(p)));
        if (schedule != null) {
            s.append(schedule.listing(program("trainStep"), program("update")));
        }
        s.append("temps:\n");
        temps.forEach(t -> s.append("  ").append(t).append('\n'));
        return s.toString();
    }

    /** The program of entry point {@code entry} ({@code predict}, {@code trainStep}, {@code update}, ...). */
    Program program(String entry) {
        return programs.stream().filter(p -> p.entry().equals(entry)).findFirst().orElseThrow();
    }

    /**
     * Defines the classes in a fresh {@link ModelClassLoader} and instantiates the model. The kernel family the model
     * will run ({@link ClassEmitter.Family#running()}, its main class's rule) is emitted first, so what loading costs
     * includes generating the classes it runs; the other family is emitted only if its classes are asked for.
     */
    public CompiledModel load() {
        classes.family(ClassEmitter.Family.running());
        ModelClassLoader loader = new ModelClassLoader(ModelClasses.class.getClassLoader(), classes::bytes);
        try {
            return (CompiledModel) loader.loadClass(mainClass).getConstructor(ModelSpec.class).newInstance(spec);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load generated class " + mainClass, e);
        }
    }

    /** Writes every class as {@code dir/dev/nabla/generated/Name.class}. */
    public void writeClasses(Path dir) throws IOException {
        for (Map.Entry<String, byte[]> e : classes().entrySet()) {
            Path file = dir.resolve(e.getKey().replace('.', '/') + ".class");
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue());
        }
    }
}
