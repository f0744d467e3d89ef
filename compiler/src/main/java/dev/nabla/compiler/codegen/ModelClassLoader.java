package dev.nabla.compiler.codegen;

import java.util.Map;

/** Defines a model's generated classes from their bytes, on first use, in a loader of their own. */
public final class ModelClassLoader extends ClassLoader {

    private final Map<String, byte[]> classes;

    public ModelClassLoader(ClassLoader parent, Map<String, byte[]> classes) {
        super(parent);
        this.classes = Map.copyOf(classes);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
    }
}
