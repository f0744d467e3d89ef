package dev.nabla.spark;

import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.embed.ModelManifest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kernels of each model jar, loaded once per JVM (executor or driver) and shared by every task that runs there:
 * kernels keep no state between calls, so one instance serves any number of threads, each with buffers of its own.
 */
final class LoadedModels {

    private static final Map<String, CompiledModel> LOADED = new ConcurrentHashMap<>();

    private LoadedModels() {
    }

    static CompiledModel get(CompiledJar.Shipment shipment) {
        return LOADED.computeIfAbsent(shipment.key(), k -> load(shipment.open()));
    }

    private static CompiledModel load(CompiledJar jar) {
        ModelManifest manifest = jar.manifest();
        ClassLoader loader = new JarClassLoader("nabla-model " + manifest.model(),
                CompiledJar.entries(jar.name(), jar.bytes()), LoadedModels.class.getClassLoader());
        try {
            Class<?> kernels = Class.forName(manifest.kernels(), true, loader);
            return (CompiledModel) kernels.getConstructor(ModelSpec.class).newInstance(manifest.spec());
        } catch (ClassNotFoundException e) {
            throw new NablaException(jar.name() + ": the kernels of model " + manifest.model() + " (class "
                    + manifest.kernels() + ") are not in the jar");
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            throw new NablaException(jar.name() + ": cannot instantiate the kernels of model " + manifest.model()
                    + " (" + manifest.kernels() + "): " + e, e);
        }
    }
}
