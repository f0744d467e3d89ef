package dev.nabla.compiler.ir;

/**
 * Where in the model source an instruction comes from. {@code gradient} marks instructions built by
 * differentiation "in the gradient of" the forward expression at this position.
 */
public record Span(String file, int line, int column, boolean gradient) {

    public static final Span NONE = new Span("<builtin>", 0, 0, false);

    public static Span at(String file, int line, int column) {
        return new Span(file, line, column, false);
    }

    public Span inGradient() {
        return gradient ? this : new Span(file, line, column, true);
    }

    /** The bare file name, as printed and as written to a class's SourceFile attribute. */
    public String fileName() {
        int slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
        return file.substring(slash + 1);
    }

    @Override
    public String toString() {
        return (gradient ? "@grad " : "@") + fileName() + ":" + line + ":" + column;
    }
}
