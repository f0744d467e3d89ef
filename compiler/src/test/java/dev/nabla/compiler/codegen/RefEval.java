package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Value;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A direct double-precision evaluator of graphs, written independently of the lowering (index arithmetic
 * on concrete shapes), used as the reference of the differential tests.
 */
final class RefEval {

    record T(int[] shape, double[] data) {
        int size() {
            return data.length;
        }
    }

    private RefEval() {
    }

    /** Output values by output name (GRAD outputs by param name), inputs by input name. */
    static Map<String, T> run(Graph g, int batch, Map<String, double[]> inputs) {
        Map<Value, T> env = new HashMap<>();
        for (Graph.Input in : g.inputs()) {
            env.put(in.value(), new T(in.value().shape().concrete(batch), inputs.get(in.value().name()).clone()));
        }
        for (Instr i : g.body()) {
            List<T> a = i.args().stream().map(env::get).toList();
            env.put(i.out(), eval(i, a, i.out().shape().concrete(batch)));
        }
        Map<String, T> out = new HashMap<>();
        g.outputs().forEach(o -> out.put(o.role() == Graph.OutputRole.GRAD ? "grad:" + o.name() : o.name(), env.get(o.value())));
        return out;
    }

    static int numel(int[] s) {
        int n = 1;
        for (int d : s) {
            n *= d;
        }
        return n;
    }

    static int[] unravel(int flat, int[] s) {
        int[] idx = new int[s.length];
        for (int d = s.length - 1; d >= 0; d--) {
            idx[d] = flat % s[d];
            flat /= s[d];
        }
        return idx;
    }

    static int ravel(int[] idx, int[] s) {
        int f = 0;
        for (int d = 0; d < s.length; d++) {
            f = f * s[d] + idx[d];
        }
        return f;
    }

    /** Element of {@code t} broadcast to output index {@code idx}. */
    static double bcast(T t, int[] idx) {
        int lead = idx.length - t.shape.length;
        int[] sub = new int[t.shape.length];
        for (int d = 0; d < sub.length; d++) {
            sub[d] = t.shape[d] == 1 ? 0 : idx[d + lead];
        }
        return t.data[ravel(sub, t.shape)];
    }

    private static T eval(Instr i, List<T> a, int[] os) {
        double[] out = new double[numel(os)];
        Op op = i.op();
        if (op.elementwise() || op == Op.BROADCAST) {
            for (int f = 0; f < out.length; f++) {
                int[] idx = unravel(f, os);
                double x = bcast(a.get(0), idx);
                double y = a.size() > 1 ? bcast(a.get(1), idx) : 0;
                double z = a.size() > 2 ? bcast(a.get(2), idx) : 0;
                out[f] = op == Op.BROADCAST ? x : scalar(op, x, y, z);
            }
        } else if (op == Op.CONSTANT) {
            java.util.Arrays.fill(out, ((Attr.Const) i.attr()).value());
        } else if (op == Op.RESHAPE) {
            out = a.get(0).data.clone();
        } else if (op == Op.TRANSPOSE) {
            List<Integer> perm = ((Attr.Perm) i.attr()).perm();
            for (int f = 0; f < out.length; f++) {
                int[] idx = unravel(f, os);
                int[] in = new int[idx.length];
                for (int k = 0; k < idx.length; k++) {
                    in[perm.get(k)] = idx[k];
                }
                out[f] = a.get(0).data[ravel(in, a.get(0).shape)];
            }
        } else if (op.family() == Op.Family.CONTRACTION) {
            boolean tn = op != Op.MATMUL;
            T x = a.get(0);
            T w = a.get(1);
            int m = os[0];
            int n = os[1];
            int k = tn ? x.shape[0] : x.shape[1];
            for (int r = 0; r < m; r++) {
                for (int c = 0; c < n; c++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += (tn ? x.data[p * m + r] : x.data[r * k + p]) * w.data[p * n + c];
                    }
                    out[r * n + c] = s;
                }
            }
        } else if (op == Op.SUM || op == Op.MEAN || op == Op.MAX) {
            reduce(i, a.get(0), out, os);
        } else if (op == Op.SOFTMAX || op == Op.LOG_SOFTMAX) {
            softmax(op == Op.LOG_SOFTMAX, ((Attr.Axis) i.attr()).axis(), a.get(0), out);
        } else if (op == Op.ONE_HOT) {
            int depth = os[os.length - 1];
            for (int f = 0; f < out.length; f++) {
                out[f] = (int) a.get(0).data[f / depth] == f % depth ? 1 : 0;
            }
        } else {
            throw new IllegalArgumentException(op.name());
        }
        return new T(os, out);
    }

    static double scalar(Op op, double x, double y, double z) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MAXIMUM -> Math.max(x, y);
            case MINIMUM -> Math.min(x, y);
            case GREATER -> x > y ? 1 : 0;
            case EQUAL -> x == y ? 1 : 0;
            case SELECT -> x != 0 ? y : z;
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case RELU -> Math.max(x, 0);
            default -> throw new IllegalArgumentException(op.name());
        };
    }

    private static void reduce(Instr i, T x, double[] out, int[] os) {
        Attr.Axes ax = (Attr.Axes) i.attr();
        boolean max = i.op() == Op.MAX;
        java.util.Arrays.fill(out, max ? Double.NEGATIVE_INFINITY : 0);
        int count = 1;
        for (int d : ax.axes()) {
            count *= x.shape[d];
        }
        for (int f = 0; f < x.size(); f++) {
            int[] idx = unravel(f, x.shape);
            int o = 0;
            for (int d = 0; d < idx.length; d++) {
                if (!ax.axes().contains(d)) {
                    o = o * x.shape[d] + idx[d];
                }
            }
            out[o] = max ? Math.max(out[o], x.data[f]) : out[o] + x.data[f];
        }
        if (i.op() == Op.MEAN) {
            for (int o = 0; o < out.length; o++) {
                out[o] /= count;
            }
        }
    }

    private static void softmax(boolean log, int axis, T x, double[] out) {
        int len = x.shape[axis];
        int inner = 1;
        for (int d = axis + 1; d < x.shape.length; d++) {
            inner *= x.shape[d];
        }
        int outer = x.size() / (len * inner);
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * len * inner + in;
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) {
                    m = Math.max(m, x.data[base + j * inner]);
                }
                double s = 0;
                for (int j = 0; j < len; j++) {
                    s += Math.exp(x.data[base + j * inner] - m);
                }
                for (int j = 0; j < len; j++) {
                    double v = x.data[base + j * inner] - m;
                    out[base + j * inner] = log ? v - Math.log(s) : Math.exp(v) / s;
                }
            }
        }
    }
}
