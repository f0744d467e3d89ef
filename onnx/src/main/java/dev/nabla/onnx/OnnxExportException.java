package dev.nabla.onnx;

import dev.nabla.compiler.ir.Span;
import dev.nabla.runtime.NablaException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A model that cannot be exported as it is: the message names the model line ({@code file:line:col:}) and shows it,
 * as the compiler's diagnostics do, so the user sees which layer call to change. Reported without a stack trace.
 */
public final class OnnxExportException extends NablaException {

    private OnnxExportException(String message) {
        super(message);
    }

    static OnnxExportException at(Span span, String message) {
        String text = span.file() + ":" + span.line() + ":" + span.column() + ": " + message;
        String line = sourceLine(span);
        return new OnnxExportException(line == null ? text : text + "\n    " + line.strip());
    }

    private static String sourceLine(Span span) {
        try {
            List<String> lines = Files.readAllLines(Path.of(span.file()));
            return span.line() >= 1 && span.line() <= lines.size() ? lines.get(span.line() - 1) : null;
        } catch (IOException | RuntimeException e) {
            return null; // a span of a source compiled from a string, or a file gone since: the position alone
        }
    }
}
