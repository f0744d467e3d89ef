package dev.nabla.spark;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Map;

/**
 * Loads a model jar's classes from its bytes, so executors need no file and no change to Spark's class path. The
 * parent is the loader of nabla-spark itself, which sees the runtime the kernels link against; kernel classes of two
 * jars never meet, since each jar gets a loader of its own.
 */
final class JarClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> entries;

    JarClassLoader(String name, Map<String, byte[]> entries, ClassLoader parent) {
        super(name, parent);
        this.entries = entries;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = entries.get(name.replace('.', '/') + ".class");
        if (bytes == null) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
    }

    /** The kernels' no-argument constructor reads the manifest beside them; this serves it from the jar's bytes. */
    @Override
    public InputStream getResourceAsStream(String name) {
        byte[] bytes = entries.get(name);
        return bytes != null ? new ByteArrayInputStream(bytes) : super.getResourceAsStream(name);
    }
}
