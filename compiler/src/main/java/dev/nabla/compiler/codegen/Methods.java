package dev.nabla.compiler.codegen;

import org.objectweb.asm.commons.Method;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ASM methods by their Java-like signature ({@code "double exp (double)"}), each parsed once per JVM: the emitters
 * name a runtime method for every call they emit, and {@link Method#getMethod(String)} parses the text each time
 * (a few per cent of compiling a large model, with two kernel families of hundreds of kernels).
 */
final class Methods {

    private static final Map<String, Method> PARSED = new ConcurrentHashMap<>();

    private Methods() {
    }

    /** {@link Method#getMethod(String)} of {@code signature}, parsed once. */
    static Method of(String signature) {
        return PARSED.computeIfAbsent(signature, Method::getMethod);
    }
}
