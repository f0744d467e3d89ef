package dev.nabla.compiler.codegen;

import dev.nabla.compiler.codegen.ClassEmitter.Family;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One model's class bytes: the main class, emitted at once, and each kernel family, emitted on its first request and
 * kept. A model loaded in-process runs one family only ({@link Family#running()}), and emitting the families was
 * half of compiling a model with many kernels: so the other family costs nothing unless something asks for it (a
 * jar, which holds both, or a test loading it). Thread-safe: each family is emitted once, under its own lock, so the
 * two may be emitted on two threads at once.
 */
final class LazyClasses {

    private final ClassEmitter emitter;
    private final String mainClass;
    private final byte[] mainBytes;
    private final Map<Family, Slot> families = new EnumMap<>(Family.class);
    private final AtomicInteger emissions = new AtomicInteger();

    /** One family's classes, null until emitted. */
    private static final class Slot {
        private volatile Map<String, byte[]> classes;
    }

    LazyClasses(ClassEmitter emitter) {
        this.emitter = emitter;
        this.mainClass = emitter.mainClassName();
        this.mainBytes = emitter.mainClass();
        for (Family f : Family.values()) {
            families.put(f, new Slot());
        }
    }

    /** {@code family}'s classes by binary name, emitted now if this is the first request. */
    Map<String, byte[]> family(Family family) {
        Slot slot = families.get(family);
        Map<String, byte[]> classes = slot.classes;
        if (classes == null) {
            synchronized (slot) {
                classes = slot.classes;
                if (classes == null) {
                    classes = Collections.unmodifiableMap(emitter.family(family));
                    emissions.incrementAndGet();
                    slot.classes = classes;
                }
            }
        }
        return classes;
    }

    /** Every class, both families emitted: the scalar family, the vector family, then the main class. */
    Map<String, byte[]> all() {
        Map<String, byte[]> all = new LinkedHashMap<>();
        for (Family f : Family.values()) {
            all.putAll(family(f));
        }
        all.put(mainClass, mainBytes);
        return Collections.unmodifiableMap(all);
    }

    /**
     * The bytes of the class named {@code className}, emitting its family if it is the first of the family asked
     * for; null for a name that is none of this model's classes.
     */
    byte[] bytes(String className) {
        if (className.equals(mainClass)) {
            return mainBytes;
        }
        for (Family f : Family.values()) {
            if (f.holds(mainClass, className)) {
                return family(f).get(className);
            }
        }
        return null;
    }

    /** The families emitted so far. */
    Set<Family> emitted() {
        Set<Family> emitted = EnumSet.noneOf(Family.class);
        families.forEach((f, slot) -> {
            if (slot.classes != null) {
                emitted.add(f);
            }
        });
        return emitted;
    }

    /** How many times a family was emitted: at most once each, however many threads ask at once. */
    int emissions() {
        return emissions.get();
    }
}
