package dev.nabla.compiler.diag;

/** How bad a diagnostic is; only errors make a compilation fail. */
public enum Severity {
    ERROR, WARNING, NOTE;

    public String text() {
        return name().toLowerCase();
    }
}
