package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Span;

import java.util.List;

/**
 * One kernel: the statements computing one materialised value (and the chain fused into it).
 *
 * @param name    a method-name-safe name derived from the value
 * @param span    source position of the instruction it computes (its line goes to the LineNumberTable)
 * @param comment the IR instructions it covers, for listings
 * @param body    statements
 */
public record Kernel(String name, Span span, String comment, List<Stmt> body) {
    public Kernel {
        body = List.copyOf(body);
    }
}
