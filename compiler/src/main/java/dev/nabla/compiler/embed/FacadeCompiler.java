package dev.nabla.compiler.embed;

import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.NablaException;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles façade sources in memory with the JDK's compiler ({@code javax.tools}), against the runtime the compiler
 * itself runs with. A JRE without {@code jdk.compiler} gets a clear error.
 */
public final class FacadeCompiler {

    private FacadeCompiler() {
    }

    /**
     * @param sources Java source by binary class name
     * @return class files by binary name (the façades and their nested classes)
     */
    public static Map<String, byte[]> compile(Map<String, String> sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new NablaException("this Java runtime has no compiler (javax.tools): run nabla compile -o with a JDK,"
                    + " not a JRE (java.home is " + System.getProperty("java.home") + ")");
        }
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((name, text) -> units.add(new Source(name, text)));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> classes = new LinkedHashMap<>();
        StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8);
        JavaCompiler.CompilationTask task = javac.getTask(null, new Memory(standard, classes), diagnostics,
                List.of("-classpath", runtimeLocation(), "--release", "17", "-proc:none", "-g", "-Xlint:none"),
                null, units);
        if (!task.call()) {
            StringBuilder s = new StringBuilder("the generated façade did not compile (a Nabla bug; please report):");
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                s.append("\n  ").append(d);
            }
            throw new IllegalStateException(s.toString());
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        classes.forEach((name, bytes) -> out.put(name, bytes.toByteArray()));
        return out;
    }

    /** The directory or jar the runtime's classes come from. */
    public static String runtimeLocation() {
        try {
            return Path.of(CompiledModel.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | NullPointerException | SecurityException e) {
            return System.getProperty("java.class.path", "") + File.pathSeparator;
        }
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String text;

        Source(String binaryName, String text) {
            super(URI.create("string:///" + binaryName.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.text = text;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }

    /** Keeps class files in memory. */
    private static final class Memory extends ForwardingJavaFileManager<StandardJavaFileManager> {
        private final Map<String, ByteArrayOutputStream> classes;

        Memory(StandardJavaFileManager standard, Map<String, ByteArrayOutputStream> classes) {
            super(standard);
            this.classes = classes;
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                   FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                @Override
                public OutputStream openOutputStream() {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    classes.put(className, bytes);
                    return bytes;
                }
            };
        }
    }
}
