package dev.nabla.compiler.codegen;

import java.util.Map;
import java.util.function.Function;

/** Defines a model's generated classes from their bytes, on first use, in a loader of their own. */
public final class ModelClassLoader extends ClassLoader {

    private final Function<String, byte[]> classBytes;

    /** A loader of the classes in {@code classes}, by binary name. */
    public ModelClassLoader(ClassLoader parent, Map<String, byte[]> classes) {
        this(parent, Map.copyOf(classes)::get);
    }

    /**
     * A loader asking {@code classBytes} for a class's bytes by binary name (null: no such class) when the class is
     * first needed, so the bytes may be generated then ({@link ModelClasses#load()}: a kernel family).
     */
    ModelClassLoader(ClassLoader parent, Function<String, byte[]> classBytes) {
        super(parent);
        this.classBytes = classBytes;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classBytes.apply(name);
        if (bytes == null) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
    }
}
