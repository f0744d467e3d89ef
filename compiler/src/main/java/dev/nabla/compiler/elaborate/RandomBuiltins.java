package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;

import java.util.List;
import java.util.Map;

/**
 * Random tensors and the layers built on them. Every call is its own draw (its own stream of the model's
 * generator, {@link dev.nabla.runtime.kernels.RandomStream}), new on every training step:
 * <ul>
 *   <li>{@code bernoulli(p, shape)}: 1 with probability p, else 0;</li>
 *   <li>{@code uniform(low, high, shape)} and {@code normal(mean, std, shape)}: the initializers of the same names,
 *       given a shape, are random tensors;</li>
 *   <li>{@code dropout(x, rate)}: PyTorch's nn.Dropout. In training each element is zeroed with probability
 *       {@code rate} and the survivors are scaled by 1/(1 - rate), so the expected value is x; in inference, x;</li>
 *   <li>{@code gaussian_dropout(x, rate)}: Keras's GaussianDropout. In training x times noise from
 *       N(1, rate/(1 - rate)) (that is the variance: standard deviation sqrt(rate/(1 - rate))), the variance
 *       dropout's mask has; in inference, x.</li>
 * </ul>
 * Both dropouts draw their mask once per step and reuse it in the backward pass (it is one value of the graph).
 */
final class RandomBuiltins {

    private RandomBuiltins() {
    }

    static void register(Map<String, Val> table) {
        TensorBuiltins.add(table, "bernoulli", List.of("p", "shape"), Map.of(), RandomBuiltins::bernoulli);
        TensorBuiltins.add(table, "dropout", List.of("x", "rate"), Map.of("rate", new Val.Num(0.5, false)),
                (e, a) -> dropout(e, a, false));
        TensorBuiltins.add(table, "gaussian_dropout", List.of("x", "rate"), Map.of("rate", new Val.Num(0.5, false)),
                (e, a) -> dropout(e, a, true));
    }

    private static Val bernoulli(BuiltinFn.Emitter e, Args a) {
        if (a.get("p") instanceof Val.Num n && !(n.value() >= 0 && n.value() <= 1)) {
            throw new ElabError(a.span("p"), "bernoulli's probability must be in [0, 1], got " + n.value());
        }
        Value p = e.tensor(a.get("p"), a.span("p"), "argument 'p' of 'bernoulli'");
        Value u = e.draw(Op.RANDOM_UNIFORM, ShapeArgs.shape(a, "shape", null), a.call());
        return new Val.Tensor(e.emit(Op.GREATER, List.of(p, u), Attr.NONE, a.call()));
    }

    /** {@code uniform(low, high, shape)}: low + (high - low) * U[0, 1). */
    static Val uniform(BuiltinFn.Emitter e, Args a, double low, double high) {
        Value u = e.draw(Op.RANDOM_UNIFORM, ShapeArgs.shape(a, "shape", null), a.call());
        Value scaled = e.emit(Op.MUL, List.of(u, e.constant(high - low, a.call())), Attr.NONE, a.call());
        return new Val.Tensor(low == 0 ? scaled : e.emit(Op.ADD, List.of(scaled, e.constant(low, a.call())), Attr.NONE, a.call()));
    }

    /** {@code normal(mean, std, shape)}: mean + std * N(0, 1). */
    static Val normal(BuiltinFn.Emitter e, Args a, double mean, double std) {
        Value z = e.draw(Op.RANDOM_NORMAL, ShapeArgs.shape(a, "shape", null), a.call());
        Value scaled = std == 1 ? z : e.emit(Op.MUL, List.of(z, e.constant(std, a.call())), Attr.NONE, a.call());
        return new Val.Tensor(mean == 0 ? scaled : e.emit(Op.ADD, List.of(scaled, e.constant(mean, a.call())), Attr.NONE, a.call()));
    }

    private static Val dropout(BuiltinFn.Emitter e, Args a, boolean gaussian) {
        Value x = e.tensor(a.get("x"), a.span("x"), "argument 'x' of '" + a.fn() + "'");
        double rate = a.number("rate");
        if (!(rate >= 0 && rate < 1)) {
            throw new ElabError(a.span("rate"), a.fn() + "'s rate is the fraction dropped, in [0, 1), got " + rate);
        }
        if (!e.training() || rate == 0) {
            return new Val.Tensor(x);
        }
        Shape shape = x.shape();
        Value mask;
        if (gaussian) {
            Value z = e.draw(Op.RANDOM_NORMAL, shape, a.call());
            Value noise = e.emit(Op.MUL, List.of(z, e.constant(Math.sqrt(rate / (1 - rate)), a.call())), Attr.NONE, a.call());
            mask = e.emit(Op.ADD, List.of(noise, e.constant(1, a.call())), Attr.NONE, a.call());
        } else {
            Value u = e.draw(Op.RANDOM_UNIFORM, shape, a.call());
            Value kept = e.emit(Op.GREATER, List.of(e.constant(1 - rate, a.call()), u), Attr.NONE, a.call());
            mask = e.emit(Op.SELECT, List.of(kept, e.constant(1 / (1 - rate), a.call()), e.constant(0, a.call())),
                    Attr.NONE, a.call());
        }
        return new Val.Tensor(e.emit(Op.MUL, List.of(x, mask), Attr.NONE, a.call()));
    }
}
