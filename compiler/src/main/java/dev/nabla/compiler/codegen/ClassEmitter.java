package dev.nabla.compiler.codegen;

import dev.nabla.compiler.lower.Kernel;
import dev.nabla.compiler.lower.ParallelLoop;
import dev.nabla.compiler.lower.Program;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.KernelProfile;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.VectorApi;
import dev.nabla.runtime.embed.ModelManifest;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.GeneratorAdapter;
import org.objectweb.asm.commons.Method;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Emits the classes of one model: the main class implementing {@link CompiledModel}, and two families of helper
 * classes holding one static method per kernel (one for kernels that are the same code, {@link KernelTemplates}) plus a
 * driver per entry point — {@code $S*} with plain scalar loops and {@code $V*} with Vector API loops. The main class
 * picks the family once, in its static initializer ({@link VectorApi#enabled()}); the scalar family never mentions
 * Vector API types, so it loads without the module.
 *
 * <p>Each family is emitted when asked for ({@link #family}), independently of the other and possibly on another
 * thread: {@link LazyClasses} emits the family the JVM runs, and the other only if something asks for it.
 */
final class ClassEmitter {

    /** A family of kernel classes, named {@code Main$TAG} (its driver) and {@code Main$TAG0..} (its kernels). */
    enum Family {
        SCALAR("S"), VECTOR("V");

        final String tag;

        Family(String tag) {
            this.tag = tag;
        }

        /** The family the generated main class picks when initialised now ({@link VectorApi#enabled()}). */
        static Family running() {
            return VectorApi.enabled() ? VECTOR : SCALAR;
        }

        /** Whether {@code className} names one of this family's classes, for the main class {@code mainClass}. */
        boolean holds(String mainClass, String className) {
            String prefix = mainClass + "$" + tag;
            return className.startsWith(prefix) && className.chars().skip(prefix.length()).allMatch(Character::isDigit);
        }
    }

    /** Kernels per helper class, far below the class-file limits (kernel methods are small: see passes/FuseElementwise.MAX_EXPR). */
    static final int KERNELS_PER_CLASS = 48;

    private static final Type SPEC = Type.getType(ModelSpec.class);
    private static final Type COUNTERS = Type.getType(KernelProfile.Counters.class);
    private static final Type SLOT_TABLE = Type.getType(int[][].class);
    private static final Type SLOTS_OF_CALL = Type.getType(int[].class);
    private static final Method NANO_TIME = Method.getMethod("long nanoTime ()");
    private static final Method PREDICT = Method.getMethod("void predict (float[][], int)");
    private static final Method TRAIN = Method.getMethod("void trainStep (float[][], int)");
    private static final Method UPDATE = Method.getMethod("void update (float[][], float[])");
    private static final Method EVALUATE = Method.getMethod("void evaluate (float[][], int)");
    private static final Method TRAIN_AND_UPDATE = Method.getMethod("void trainAndUpdate (float[][], int, float[])");
    private static final Method FUSES_UPDATE = Method.getMethod("boolean fusesUpdate ()");
    private static final Map<String, Method> ENTRIES = Map.of("predict", PREDICT, "trainStep", TRAIN, "update", UPDATE,
            "evaluate", EVALUATE);

    private final String mainName;
    private final String sourceFile;
    private final String modelName;
    private final boolean profile;
    private final EmitTarget target;
    private final Program[] programs;
    /** The fused step's order, or null when the model has no trainStep and update to fuse. */
    private final UpdateSchedule schedule;
    private final Map<Kernel, Kernel> shared;
    /** Kernels that call one method over other buffers, and how ({@link KernelTemplates}). */
    private final Map<Kernel, KernelTemplates.Use> templates;
    /**
     * Each kernel's top-level loops that run split over threads, found once for both families (synchronized: the
     * two families may be emitted on two threads).
     */
    private final Map<Kernel, boolean[]> parallelLoops = Collections.synchronizedMap(new IdentityHashMap<>());

    /**
     * Emits nothing yet: {@link #mainClass()} and {@link #family} do.
     *
     * @param target   the main class's name and what else it gets (a constructor reading its manifest)
     * @param programs predict and, unless the target is inference-only, trainStep, update and optionally evaluate,
     *                 each named by its entry; a missing trainStep or update throws when called
     * @param schedule the order of {@code trainAndUpdate} over trainStep's and update's kernels, or null: the model then
     *                 keeps {@link CompiledModel}'s default (trainStep, then update)
     */
    ClassEmitter(String modelName, String sourceFile, EmitTarget target, List<Program> programs,
                 UpdateSchedule schedule) {
        this.mainName = target.mainClass().replace('.', '/');
        this.sourceFile = sourceFile;
        this.modelName = modelName;
        this.profile = target.profile();
        this.target = target;
        this.programs = programs.toArray(new Program[0]);
        this.schedule = schedule;
        this.shared = KernelTemplates.copies(this.programs);
        this.templates = KernelTemplates.find(this.programs, shared);
    }

    /** The main class's binary name ({@code dev.nabla.generated.Model}). */
    String mainClassName() {
        return target.mainClass();
    }

    /** The main class's bytes. */
    byte[] mainClass() {
        return mainClass(Arrays.stream(programs).map(p -> ENTRIES.get(p.entry())).toList(), target.manifestResource());
    }

    /** One family's classes by binary name ({@code dev.nabla.generated.Model$S0}), its driver last. */
    Map<String, byte[]> family(Family family) {
        return family(family.tag, family == Family.VECTOR);
    }

    private static ClassWriter writer() {
        return new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return a.equals(b) ? a : "java/lang/Object";
            }
        };
    }

    private ClassWriter begin(String internalName, String[] interfaces) {
        return begin(internalName, interfaces, sourceFile);
    }

    private ClassWriter begin(String internalName, String[] interfaces, String source) {
        ClassWriter cw = writer();
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, internalName, null,
                "java/lang/Object", interfaces);
        cw.visitSource(source, null);
        return cw;
    }

    private byte[] finish(ClassWriter cw) {
        cw.visitEnd();
        try {
            return cw.toByteArray();
        } catch (org.objectweb.asm.MethodTooLargeException e) {
            // A graph of tens of thousands of nodes (an expression nested thousands deep) can fuse into a kernel
            // whose loop body alone exceeds what one JVM method may hold: a limit of the platform, told as such.
            throw new dev.nabla.runtime.NablaException("model " + modelName + " is too large to compile: its "
                    + e.getMethodName() + " code would exceed the JVM's limit of 64 KB of bytecode per method ("
                    + e.getCodeSize() + " bytes); split the expression that repeats an operation thousands of times");
        } catch (org.objectweb.asm.ClassTooLargeException e) {
            throw new dev.nabla.runtime.NablaException("model " + modelName + " is too large to compile: its class "
                    + "would exceed the JVM's limit of 65,535 constants; split the model");
        }
    }

    /**
     * A kernel's method and the class holding it; {@code slots} the buffer indices the call passes to a method
     * {@link KernelTemplates} shares, else null.
     */
    private record Placed(String owner, String method, String entry, Kernel kernel, int[] slots) {
    }

    /**
     * One family: kernel classes {@code $X0..}, then the driver class {@code $X} calling them in order. Kernels
     * are grouped by the source file of their instruction (a model's own file, or a library such as
     * {@code std.nabla}) so each class's SourceFile and LineNumberTable name the right file and line.
     */
    private Map<String, byte[]> family(String tag, boolean vector) {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        Map<String, List<Placed>> byEntry = new LinkedHashMap<>();
        Map<String, List<Placed>> byClass = new LinkedHashMap<>();
        Map<String, String> openClass = new LinkedHashMap<>();
        Map<String, String> classFile = new LinkedHashMap<>();
        Map<Kernel, Placed> placedOf = new IdentityHashMap<>();
        for (Program p : programs) {
            List<Placed> placed = new ArrayList<>();
            for (Kernel k : p.kernels()) {
                Placed earlier = placedOf.get(shared.get(k));
                if (earlier != null) {
                    placed.add(new Placed(earlier.owner(), earlier.method(), p.entry(), k, earlier.slots()));
                    continue;
                }
                KernelTemplates.Use use = templates.get(k);
                if (use != null && use.template() != k) {
                    Placed template = placedOf.get(use.template());
                    placed.add(new Placed(template.owner(), template.method(), p.entry(), k, use.slots()));
                    continue;
                }
                String file = k.span().line() > 0 ? k.span().fileName() : sourceFile;
                String owner = openClass.get(file);
                if (owner == null || byClass.get(owner).size() == KERNELS_PER_CLASS) {
                    owner = mainName + "$" + tag + byClass.size();
                    openClass.put(file, owner);
                    classFile.put(owner, file);
                    byClass.put(owner, new ArrayList<>());
                }
                Placed pl = new Placed(owner, p.entry() + "_" + placed.size() + "_" + k.name(), p.entry(), k,
                        use == null ? null : use.slots());
                placed.add(pl);
                placedOf.put(k, pl);
                byClass.get(owner).add(pl);
            }
            byEntry.put(p.entry(), placed);
        }
        byClass.forEach((owner, kernels) -> {
            ClassWriter cw = begin(owner, null, classFile.get(owner));
            for (Placed pl : kernels) {
                Method signature = pl.slots() == null ? KernelEmitter.KERNEL : KernelEmitter.SHARED_KERNEL;
                KernelEmitter ke = vector ? new VectorKernelEmitter(cw, owner, pl.method(), signature)
                        : new KernelEmitter(cw, owner, pl.method(), signature);
                ke.emit(pl.kernel(), parallelLoops.computeIfAbsent(pl.kernel(), k -> ParallelLoop.qualifying(k.body())));
            }
            classes.put(owner.replace('/', '.'), finish(cw));
        });
        String driver = mainName + "$" + tag;
        ClassWriter cw = begin(driver, null);
        List<Placed> calls = byEntry.values().stream().flatMap(List::stream).toList();
        staticInit(cw, driver, calls);
        for (Program p : programs) {
            GeneratorAdapter ga = new GeneratorAdapter(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, ENTRIES.get(p.entry()),
                    null, null, cw);
            ga.visitCode();
            int started = profile ? ga.newLocal(Type.LONG_TYPE) : -1;
            for (Placed pl : byEntry.get(p.entry())) {
                call(ga, pl, driver, calls, started, ENTRIES.get(p.entry()));
            }
            ga.returnValue();
            ga.endMethod();
        }
        if (schedule != null) {
            // trainStep's and update's kernels, interleaved: the same methods, called in the schedule's order.
            GeneratorAdapter ga = new GeneratorAdapter(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, TRAIN_AND_UPDATE, null,
                    null, cw);
            ga.visitCode();
            int started = profile ? ga.newLocal(Type.LONG_TYPE) : -1;
            for (UpdateSchedule.Slot slot : schedule.slots()) {
                call(ga, byEntry.get(slot.entry()).get(slot.kernel()), driver, calls, started, TRAIN_AND_UPDATE);
            }
            ga.returnValue();
            ga.endMethod();
        }
        classes.put(driver.replace('/', '.'), finish(cw));
        return classes;
    }

    /**
     * One kernel call in a driver method {@code from}: an update kernel gets {@code (buffers, 0, hyper)}, any other
     * {@code (buffers, batch, null)}; timed into the driver's profile counters in a profiling build.
     */
    private void call(GeneratorAdapter ga, Placed pl, String driver, List<Placed> calls, int started, Method from) {
        Label l = ga.mark();
        if (pl.kernel().span().line() > 0 && pl.kernel().span().fileName().equals(sourceFile)) {
            ga.visitLineNumber(pl.kernel().span().line(), l);
        }
        if (profile) {
            ga.invokeStatic(Type.getType(System.class), NANO_TIME);
            ga.storeLocal(started);
        }
        ga.loadArg(0);
        if (pl.entry().equals("update")) {
            ga.push(0);
            ga.loadArg(from == TRAIN_AND_UPDATE ? 2 : 1);
        } else {
            ga.loadArg(1);
            ga.visitInsn(Opcodes.ACONST_NULL);
        }
        if (pl.slots() == null) {
            ga.invokeStatic(Type.getObjectType(pl.owner()), new Method(pl.method(), KernelEmitter.KERNEL_DESC));
        } else {
            ga.getStatic(Type.getObjectType(driver), "SLOTS", SLOT_TABLE);
            ga.push(calls.indexOf(pl));
            ga.arrayLoad(SLOTS_OF_CALL);
            ga.invokeStatic(Type.getObjectType(pl.owner()),
                    new Method(pl.method(), KernelEmitter.SHARED_KERNEL.getDescriptor()));
        }
        if (profile) {
            ga.getStatic(Type.getObjectType(driver), "PROFILE", COUNTERS);
            ga.push(calls.indexOf(pl));
            ga.invokeStatic(Type.getType(System.class), NANO_TIME);
            ga.loadLocal(started);
            ga.math(GeneratorAdapter.SUB, Type.LONG_TYPE);
            ga.invokeVirtual(COUNTERS, Methods.of("void add (int, long)"));
        }
    }

    /**
     * The driver's static initializer, when it needs one: the slots of each call of a shared kernel method, in a static
     * {@code SLOTS} table indexed by call (null for the other calls); and in a profiling build, the {@code PROFILE}
     * counters.
     */
    private void staticInit(ClassWriter cw, String driver, List<Placed> calls) {
        boolean slots = calls.stream().anyMatch(pl -> pl.slots() != null);
        if (!slots && !profile) {
            return;
        }
        GeneratorAdapter ga = new GeneratorAdapter(Opcodes.ACC_STATIC, Method.getMethod("void <clinit> ()"), null, null, cw);
        ga.visitCode();
        if (slots) {
            cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "SLOTS",
                    SLOT_TABLE.getDescriptor(), null, null).visitEnd();
            ga.push(calls.size());
            ga.newArray(SLOTS_OF_CALL);
            for (int i = 0; i < calls.size(); i++) {
                int[] callSlots = calls.get(i).slots();
                if (callSlots != null) {
                    ga.dup();
                    ga.push(i);
                    ga.push(callSlots.length);
                    ga.newArray(Type.INT_TYPE);
                    for (int j = 0; j < callSlots.length; j++) {
                        ga.dup();
                        ga.push(j);
                        ga.push(callSlots[j]);
                        ga.arrayStore(Type.INT_TYPE);
                    }
                    ga.arrayStore(SLOTS_OF_CALL);
                }
            }
            ga.putStatic(Type.getObjectType(driver), "SLOTS", SLOT_TABLE);
        }
        if (profile) {
            profileCounters(cw, ga, driver, calls);
        }
        ga.returnValue();
        ga.endMethod();
    }

    /**
     * A profiling build's driver: a static {@code PROFILE} field holding its counters, registered with the kernels'
     * entry points, names and covered instructions in its static initializer {@code ga}.
     */
    private static void profileCounters(ClassWriter cw, GeneratorAdapter ga, String driver, List<Placed> calls) {
        cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "PROFILE", COUNTERS.getDescriptor(),
                null, null).visitEnd();
        for (java.util.function.Function<Placed, String> field : List.<java.util.function.Function<Placed, String>>of(
                Placed::entry, pl -> pl.kernel().name(),
                pl -> pl.kernel().comment())) {
            ga.push(calls.size());
            ga.newArray(Type.getType(String.class));
            for (int i = 0; i < calls.size(); i++) {
                ga.dup();
                ga.push(i);
                ga.push(field.apply(calls.get(i)));
                ga.arrayStore(Type.getType(String.class));
            }
        }
        ga.invokeStatic(Type.getType(KernelProfile.class),
                Method.getMethod("dev.nabla.runtime.KernelProfile$Counters register (String[], String[], String[])"));
        ga.putStatic(Type.getObjectType(driver), "PROFILE", COUNTERS);
    }

    /**
     * The class implementing CompiledModel; {@code VECTOR} is decided once in its static initializer. With a
     * manifest resource, a no-argument constructor reads the spec from it, so the runtime alone can instantiate it.
     */
    private byte[] mainClass(List<Method> entries, String manifestResource) {
        ClassWriter cw = begin(mainName, new String[] {Type.getInternalName(CompiledModel.class)});
        cw.visitField(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "VECTOR", "Z", null, null).visitEnd();
        cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL, "spec", SPEC.getDescriptor(), null, null).visitEnd();
        staticInit(cw);
        constructor(cw);
        if (manifestResource != null) {
            manifestConstructor(cw, manifestResource);
        }
        for (Method m : List.of(TRAIN, UPDATE)) {
            if (!entries.contains(m)) {
                inferenceOnly(cw, m);
            }
        }
        GeneratorAdapter spec = new GeneratorAdapter(Opcodes.ACC_PUBLIC, Method.getMethod("dev.nabla.runtime.ModelSpec spec ()"), null, null, cw);
        spec.visitCode();
        spec.loadThis();
        spec.getField(Type.getObjectType(mainName), "spec", SPEC);
        spec.returnValue();
        spec.endMethod();
        entries.forEach(m -> dispatch(cw, m));
        if (schedule != null) {
            dispatch(cw, TRAIN_AND_UPDATE);
            GeneratorAdapter fuses = new GeneratorAdapter(Opcodes.ACC_PUBLIC, FUSES_UPDATE, null, null, cw);
            fuses.visitCode();
            fuses.push(true);
            fuses.returnValue();
            fuses.endMethod();
        }
        return finish(cw);
    }

    /** {@code VECTOR = VectorApi.enabled()}: the rule the runtime's kernels and {@link Family#running()} use too. */
    private void staticInit(ClassVisitor cw) {
        GeneratorAdapter ga = new GeneratorAdapter(Opcodes.ACC_STATIC, Method.getMethod("void <clinit> ()"), null, null, cw);
        ga.visitCode();
        ga.invokeStatic(Type.getType(VectorApi.class), Method.getMethod("boolean enabled ()"));
        ga.putStatic(Type.getObjectType(mainName), "VECTOR", Type.BOOLEAN_TYPE);
        ga.returnValue();
        ga.endMethod();
    }

    private void constructor(ClassVisitor cw) {
        GeneratorAdapter ga = new GeneratorAdapter(Opcodes.ACC_PUBLIC,
                Method.getMethod("void <init> (dev.nabla.runtime.ModelSpec)"), null, null, cw);
        ga.visitCode();
        ga.loadThis();
        ga.invokeConstructor(Type.getType(Object.class), Method.getMethod("void <init> ()"));
        ga.loadThis();
        ga.loadArg(0);
        ga.putField(Type.getObjectType(mainName), "spec", SPEC);
        ga.returnValue();
        ga.endMethod();
    }

    /** {@code this(ModelManifest.spec(Main.class, "Model.model.json"))}. */
    private void manifestConstructor(ClassVisitor cw, String resource) {
        GeneratorAdapter ga = new GeneratorAdapter(Opcodes.ACC_PUBLIC, Method.getMethod("void <init> ()"), null, null, cw);
        ga.visitCode();
        ga.loadThis();
        ga.push(Type.getObjectType(mainName));
        ga.push(resource);
        ga.invokeStatic(Type.getType(ModelManifest.class), Method.getMethod("dev.nabla.runtime.ModelSpec spec (Class, String)"));
        ga.invokeConstructor(Type.getObjectType(mainName), Method.getMethod("void <init> (dev.nabla.runtime.ModelSpec)"));
        ga.returnValue();
        ga.endMethod();
    }

    /** An entry point compiled out ({@code --inference-only}): throws, saying so. */
    private void inferenceOnly(ClassVisitor cw, Method m) {
        GeneratorAdapter ga = new GeneratorAdapter(Opcodes.ACC_PUBLIC, m, null, null, cw);
        ga.visitCode();
        ga.throwException(Type.getType(UnsupportedOperationException.class), "model " + modelName
                + " was compiled for inference only: it has no " + m.getName() + " kernels");
        ga.endMethod();
    }

    /** {@code if (VECTOR) Model$V.m(args) else Model$S.m(args)}. */
    private void dispatch(ClassVisitor cw, Method m) {
        GeneratorAdapter ga = new GeneratorAdapter(Opcodes.ACC_PUBLIC, m, null, null, cw);
        ga.visitCode();
        Label scalar = ga.newLabel();
        ga.getStatic(Type.getObjectType(mainName), "VECTOR", Type.BOOLEAN_TYPE);
        ga.ifZCmp(GeneratorAdapter.EQ, scalar);
        ga.loadArgs();
        ga.invokeStatic(Type.getObjectType(mainName + "$V"), m);
        ga.returnValue();
        ga.mark(scalar);
        ga.loadArgs();
        ga.invokeStatic(Type.getObjectType(mainName + "$S"), m);
        ga.returnValue();
        ga.endMethod();
    }
}
