package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Span;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.OptimizerSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * The optimizer's update as loop IR: one kernel per parameter, one pass over its elements, with the rules of
 * PyTorch's {@code torch.optim} (SGD with momentum/dampening 0/Nesterov, Adam, AdamW, RMSprop). Constant
 * hyperparameters are literals; the learning rate, step and gradient scale are read from {@code hyper}.
 */
public final class UpdateLowering {

    /**
     * The buffers of one parameter: its values, gradient and optimizer state slots, and where the update writes its
     * gradient-health sums ({@link UpdateStats}; null when the model is compiled without health).
     */
    public record ParamBuffers(Buf param, Buf grad, List<Buf> state, BufferSpec spec, Span span, Buf stats) {
    }

    private final OptimizerSpec o;

    private UpdateLowering(OptimizerSpec o) {
        this.o = o;
    }

    public static Program lower(OptimizerSpec optimizer, List<ParamBuffers> params) {
        UpdateLowering u = new UpdateLowering(optimizer);
        List<Kernel> kernels = new ArrayList<>();
        for (ParamBuffers p : params) {
            kernels.add(new Kernel("update_" + p.param().label().replaceAll("[^A-Za-z0-9_$]", "_"), p.span(),
                    optimizer.kind().name().toLowerCase() + " step of " + p.param().label(),
                    p.stats() == null ? u.kernel(p) : UpdateStats.instrument(u.kernel(p), p)));
        }
        return new Program("update", kernels);
    }

    private static Expr hyper(int i) {
        return new Expr.Load(Buf.HYPER, Index.constant(i));
    }

    private static Expr read(Local l) {
        return new Expr.Read(l);
    }

    private static Expr add(Expr a, Expr b) {
        return Expr.bin(Op.ADD, a, b);
    }

    private static Expr sub(Expr a, Expr b) {
        return Expr.bin(Op.SUB, a, b);
    }

    private static Expr mul(Expr a, Expr b) {
        return Expr.bin(Op.MUL, a, b);
    }

    private static Expr div(Expr a, Expr b) {
        return Expr.bin(Op.DIV, a, b);
    }

    private List<Stmt> kernel(ParamBuffers p) {
        List<Stmt> top = new ArrayList<>();
        Local lr = new Local("lr", false);
        Local scale = new Local("gradScale", false);
        top.add(new Stmt.Let(lr, hyper(OptimizerSpec.HYPER_LR)));
        top.add(new Stmt.Let(scale, hyper(OptimizerSpec.HYPER_GRAD_SCALE)));
        LoopVar i = new LoopVar("i");
        Index at = Index.of(i);
        Expr w = new Expr.Load(p.param(), at);
        List<Stmt> body = new ArrayList<>();
        Local g = new Local("g", false);
        Expr grad = mul(new Expr.Load(p.grad(), at), read(scale));
        boolean coupledDecay = o.weightDecay() != 0 && o.kind() != OptimizerSpec.Kind.ADAMW;
        body.add(new Stmt.Let(g, coupledDecay ? add(grad, mul(Expr.c(o.weightDecay()), w)) : grad));
        switch (o.kind()) {
            case SGD, NESTEROV -> sgd(p, at, w, g, lr, body);
            case ADAM, ADAMW -> adam(p, at, w, g, lr, top, body);
            case RMSPROP -> rmsprop(p, at, w, g, lr, body);
        }
        top.add(new Stmt.For(i, Size.of(p.spec().size(1)), body));
        return top;
    }

    private void sgd(ParamBuffers p, Index at, Expr w, Local g, Local lr, List<Stmt> body) {
        Expr step = read(g);
        if ((float) o.momentum() != 0) { // as float, as the kernel computes: 1e-320 is no momentum
            Buf buf = p.state().get(0);
            body.add(new Stmt.Store(buf, at, add(mul(Expr.c(o.momentum()), new Expr.Load(buf, at)), read(g))));
            Expr b = new Expr.Load(buf, at);
            step = o.kind() == OptimizerSpec.Kind.NESTEROV ? add(read(g), mul(Expr.c(o.momentum()), b)) : b;
        }
        body.add(new Stmt.Store(p.param(), at, sub(w, mul(read(lr), step))));
    }

    private void adam(ParamBuffers p, Index at, Expr w, Local g, Local lr, List<Stmt> top, List<Stmt> body) {
        Local stepSize = new Local("stepSize", false);
        Local sqrtBc2 = new Local("sqrtBc2", false);
        Expr t = hyper(OptimizerSpec.HYPER_STEP);
        top.add(new Stmt.Let(stepSize, div(read(lr), biasCorrection(o.beta1(), t))));
        top.add(new Stmt.Let(sqrtBc2, Expr.un(Op.SQRT, biasCorrection(o.beta2(), t))));
        Buf m = p.state().get(0);
        Buf v = p.state().get(1);
        Expr mv = new Expr.Load(m, at);
        Expr vv = new Expr.Load(v, at);
        if (o.kind() == OptimizerSpec.Kind.ADAMW && o.weightDecay() != 0) {
            body.add(new Stmt.Store(p.param(), at, mul(w, sub(Expr.c(1), mul(read(lr), Expr.c(o.weightDecay()))))));
        }
        body.add(new Stmt.Store(m, at, add(mul(Expr.c(o.beta1()), mv), mul(Expr.c(1 - o.beta1()), read(g)))));
        body.add(new Stmt.Store(v, at, add(mul(Expr.c(o.beta2()), vv),
                mul(Expr.c(1 - o.beta2()), mul(read(g), read(g))))));
        Expr denom = add(div(Expr.un(Op.SQRT, vv), read(sqrtBc2)), Expr.c(o.eps()));
        body.add(new Stmt.Store(p.param(), at, sub(w, mul(read(stepSize), div(mv, denom)))));
    }

    /**
     * {@code 1 - beta^t} as torch.optim computes it, in double: as {@code -expm1(t ln beta)}, with {@code ln beta} taken
     * in double and expm1 evaluated in double. The float form {@code 1 - pow(beta, t)} rounds beta itself to float
     * (0.999f is 1.3e-8 off), which made every early Adam step about 6.4e-6 relatively smaller than torch's.
     */
    private static Expr biasCorrection(double beta, Expr t) {
        return Expr.un(Op.NEG, Expr.un(Op.EXPM1, mul(t, Expr.c((float) Math.log(beta)))));
    }

    private void rmsprop(ParamBuffers p, Index at, Expr w, Local g, Local lr, List<Stmt> body) {
        Buf sq = p.state().get(0);
        Expr sqv = new Expr.Load(sq, at);
        body.add(new Stmt.Store(sq, at, add(mul(Expr.c(o.alpha()), sqv),
                mul(Expr.c(1 - o.alpha()), mul(read(g), read(g))))));
        Local avg = new Local("avg", false);
        body.add(new Stmt.Let(avg, add(Expr.un(Op.SQRT, sqv), Expr.c(o.eps()))));
        Expr step = div(read(g), read(avg));
        if ((float) o.momentum() != 0) { // as float, as the kernel computes: 1e-320 is no momentum
            Buf buf = p.state().get(1);
            body.add(new Stmt.Store(buf, at, add(mul(Expr.c(o.momentum()), new Expr.Load(buf, at)), step)));
            step = new Expr.Load(buf, at);
        }
        body.add(new Stmt.Store(p.param(), at, sub(w, mul(read(lr), step))));
    }
}
