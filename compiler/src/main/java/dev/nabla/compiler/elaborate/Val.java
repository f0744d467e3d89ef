package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ir.Value;
import dev.nabla.compiler.syntax.Decl;
import dev.nabla.runtime.InitSpec;

import java.util.List;
import java.util.function.BiPredicate;

/** What an expression evaluates to at compile time: a graph value, or something the compiler folds away. */
sealed interface Val {

    /** How the value is described in error messages. */
    String describe();

    record Tensor(Value value) implements Val {
        @Override
        public String describe() {
            return "a tensor " + value.type();
        }
    }

    /** A number known at compile time; {@code integral} for integer literals and dimensions. */
    record Num(double value, boolean integral) implements Val {
        @Override
        public String describe() {
            return integral ? "the integer " + (long) value : "the number " + value;
        }
    }

    /** The symbolic batch dimension: a size known only at run time. */
    record Batch(String symbol) implements Val {
        @Override
        public String describe() {
            return "the batch dimension " + symbol;
        }
    }

    record Str(String value) implements Val {
        @Override
        public String describe() {
            return "a string";
        }
    }

    record Bool(boolean value) implements Val {
        @Override
        public String describe() {
            return "a boolean";
        }
    }

    record ListVal(List<Val> items) implements Val {
        public ListVal {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A definition written in Nabla, with the scope of the file that declares it. */
    record Def(Decl.Def def, Env globals) implements Val {
        @Override
        public String describe() {
            return "the function '" + def.name() + "'";
        }
    }

    record Builtin(BuiltinFn fn) implements Val {
        @Override
        public String describe() {
            return "the function '" + fn.name() + "'";
        }
    }

    /** A set of parameters chosen by name and rank, for regularizers. */
    record ParamSet(String name, BiPredicate<String, Integer> contains) implements Val {
        @Override
        public String describe() {
            return "the parameter set '" + name + "'";
        }
    }

    record Init(InitSpec spec) implements Val {
        @Override
        public String describe() {
            return "the initializer " + spec;
        }
    }

    /** An optional builtin argument that was not given. Users cannot write it. */
    record Absent() implements Val {
        @Override
        public String describe() {
            return "nothing";
        }
    }

    /** The value of a declaration that failed: its error is reported, so uses of it stay silent. */
    record Poison() implements Val {
        @Override
        public String describe() {
            return "an erroneous value";
        }
    }

    Absent ABSENT = new Absent();
    Poison POISON = new Poison();
}
