package dev.nabla.compiler.fuzz;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.diag.Diagnostic;

/**
 * What one fuzzing input came to. The campaign's bar: no {@link #INTERNAL_ERROR}, {@link #MISMATCH} or {@link #HANG}.
 *
 * @param kind   the class of outcome
 * @param detail for a failure, what went wrong (the exception, the element that differs); empty otherwise
 */
record Outcome(Kind kind, String detail) {

    enum Kind {
        /** Compiled, loaded, and predict, trainStep and update agreed with the interpreter (or it was too big to run). */
        OK,
        /** Rejected with diagnostics, every error at a line of the file. */
        POSITIONED_ERROR,
        /** Rejected with a clear message that has no line: the file as a whole (nested too deeply, unreadable). */
        UNPOSITIONED_ERROR,
        /**
         * Compiled, loaded and run, but the reference left the range where float32 and double agree (huge or
         * non-finite values), so the results were not compared.
         */
        UNCOMPARED,
        /** Compiled, and running it stopped with the runtime's message for the user (a NablaException). */
        RUNTIME_ERROR,
        /** An exception escaped, a diagnostic was missing or misplaced, or a message exploded in size. */
        INTERNAL_ERROR,
        /** The generated code and the reference interpreter disagreed. */
        MISMATCH,
        /** Still running when the watchdog's time was up. */
        HANG;

        /** Whether this outcome is a defect. */
        boolean failure() {
            return this == INTERNAL_ERROR || this == MISMATCH || this == HANG;
        }
    }

    static final Outcome OK = new Outcome(Kind.OK, "");

    /** Rendered diagnostics larger than this are a resource blow-up (defect 3 wrote 600 MB for a 35 KB file). */
    static final int MAX_RENDERED = 1 << 20;

    static Outcome internal(String detail) {
        return new Outcome(Kind.INTERNAL_ERROR, detail);
    }

    /** The outcome of a compilation that has errors, judged by its diagnostics. */
    static Outcome ofRejection(Compilation c, String source) {
        String rendered = c.render();
        if (rendered.isEmpty()) {
            return internal("rejected without a diagnostic");
        }
        if (rendered.length() > MAX_RENDERED) {
            return internal(rendered.length() + " characters of diagnostics for " + source.length() + " of source");
        }
        if (rendered.contains("Exception") || rendered.contains("\tat ")) {
            return internal("a diagnostic shows an exception: " + clip(rendered));
        }
        long lines = source.lines().count() + 1;
        boolean positioned = false;
        for (Diagnostic d : c.diagnostics()) {
            if (!d.isError() || !d.span().file().equals(FuzzRunner.FILE)) {
                continue;
            }
            if (d.span().line() > lines || d.span().line() < 0) {
                return internal("diagnostic at line " + d.span().line() + " of a " + lines + "-line file: " + clip(d.render()));
            }
            positioned |= d.span().line() >= 1;
        }
        return new Outcome(positioned ? Kind.POSITIONED_ERROR : Kind.UNPOSITIONED_ERROR, "");
    }

    /** An exception that escaped: the runtime's message for the user, or an internal error. */
    static Outcome ofThrowable(Throwable e) {
        if (e instanceof dev.nabla.runtime.NablaException) {
            return new Outcome(Kind.RUNTIME_ERROR, clip(e.getMessage()));
        }
        StackTraceElement[] trace = e.getStackTrace();
        StringBuilder where = new StringBuilder();
        for (int k = 0; k < Math.min(4, trace.length); k++) {
            where.append("\n    at ").append(trace[k]);
        }
        return internal(clip(e.toString()) + where);
    }

    static String clip(String s) {
        return s == null ? "null" : s.length() <= 400 ? s : s.substring(0, 400) + "... (" + s.length() + " characters)";
    }
}
