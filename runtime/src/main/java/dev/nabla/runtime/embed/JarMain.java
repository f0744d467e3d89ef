package dev.nabla.runtime.embed;

import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.data.DataLoader;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * The {@code Main-Class} of a jar compiled with {@code --self-contained}:
 * {@code java -jar model.jar predict INPUT [--model NAME] [--output NAME] [--batch B]} prints what
 * {@code nabla predict} prints for the same inputs, with the weights in the jar; {@code java -jar model.jar info}
 * prints each model's manifest.
 */
public final class JarMain {

    private static final String USAGE = "usage: java -jar MODEL.jar predict INPUT [--model NAME] [--output NAME] [--batch B]\n"
            + "       java -jar MODEL.jar info";

    private JarMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command and returns its exit code (tests and launchers call this instead of {@link #main}). */
    public static int run(String... args) {
        try {
            if (args.length == 1 && args[0].equals("info")) {
                for (String facade : facades()) {
                    System.out.print(ModelManifest.read(Class.forName(facade, false, loader()), ModelManifest.resourceName(
                            facade.substring(facade.lastIndexOf('.') + 1))).toJson());
                }
                return 0;
            }
            if (args.length < 2 || !args[0].equals("predict")) {
                System.err.println(USAGE);
                return 1;
            }
            String model = null;
            String output = null;
            int batch = EmbeddedModel.CHUNK;
            for (int i = 2; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--model" -> model = value;
                    case "--output" -> output = value;
                    case "--batch" -> batch = value == null ? -1 : Integer.parseInt(value);
                    default -> throw new NablaException("unknown option " + args[i] + "\n" + USAGE);
                }
                if (value == null || batch < 1) {
                    throw new NablaException(args[i] + " needs a " + (args[i].equals("--batch") ? "positive number" : "value"));
                }
                i++;
            }
            load(model).predictions(DataLoader.parse(args[1], Path.of(".")), batch, output).writeCsv(System.out);
            System.out.flush();
            return 0;
        } catch (NablaException | IllegalArgumentException | ClassNotFoundException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** The model named {@code name} (its model or façade class name), or the jar's first. */
    static EmbeddedModel load(String name) throws ClassNotFoundException {
        List<String> facades = facades();
        if (facades.isEmpty()) {
            throw new NablaException("no compiled model on the class path (" + ModelManifest.INDEX + " is missing)");
        }
        String chosen = facades.get(0);
        if (name != null) {
            chosen = facades.stream().filter(f -> f.equals(name) || f.endsWith("." + name)).findFirst()
                    .orElseThrow(() -> new NablaException("no model named " + name + " (models: " + facades + ")"));
        }
        try {
            return (EmbeddedModel) Class.forName(chosen, true, loader()).getMethod("load").invoke(null);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load " + chosen + ": " + e, e);
        }
    }

    /** The thread's context class loader (an application server's, a test's), else the one that loaded this class. */
    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : JarMain.class.getClassLoader();
    }

    /** The façade classes every {@link ModelManifest#INDEX} on the class path lists. */
    static List<String> facades() {
        List<String> out = new ArrayList<>();
        try {
            Enumeration<URL> indexes = loader().getResources(ModelManifest.INDEX);
            while (indexes.hasMoreElements()) {
                try (InputStream in = indexes.nextElement().openStream()) {
                    for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        if (!line.isBlank()) {
                            out.add(line.trim());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new NablaException("cannot read " + ModelManifest.INDEX + ": " + e.getMessage(), e);
        }
        return out;
    }
}
