package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.Value;

import java.util.List;
import java.util.Map;

/**
 * A function built into the compiler: its formal parameters (optional ones have a default) and what a call does.
 */
record BuiltinFn(String name, List<String> formals, Map<String, Val> defaults, Impl impl) {

    BuiltinFn {
        formals = List.copyOf(formals);
        defaults = Map.copyOf(defaults);
    }

    @FunctionalInterface
    interface Impl {
        Val apply(Emitter emitter, Args args);
    }

    /** What a built-in may do to the graph being built. */
    interface Emitter {
        /** Appends an instruction; a rejected shape becomes an error at {@code span}. */
        Value emit(Op op, List<Value> args, Attr attr, Span span);

        /** The value as a tensor (numbers become scalar constants); otherwise an error naming {@code what}. */
        Value tensor(Val val, Span span, String what);

        Value constant(double value, Span span);

        /** The model's parameters declared so far, in declaration order. */
        List<Value> params();

        /**
         * A random draw of {@code shape} from the model's generator, on a stream of its own: the first draw declares
         * the generator's key, states {@code random.seed} (from the run's seed) and {@code random.step} (advanced by
         * every training step).
         */
        Value draw(Op op, Shape shape, Span span);

        /** Whether the training graph is being built (the builtin {@code training}). */
        boolean training();

        /** The classes declared by the integer target {@code labels} is ('target y : i32[B] classes K'), if it is one. */
        java.util.OptionalInt declaredClasses(Value labels);

        /** The instruction that made {@code v}, or null for an input, a parameter or a state. */
        Instr producer(Value v);

        /**
         * A warning at {@code span}; inside a standard-library definition called from the model's file, at that call,
         * naming the definition (as errors are).
         */
        void warn(Span span, String message);
    }
}
