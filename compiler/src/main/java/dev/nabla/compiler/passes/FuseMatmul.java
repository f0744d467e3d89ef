package dev.nabla.compiler.passes;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;
import dev.nabla.compiler.shape.ShapeRules;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matrix products take in what the GEMM kernel can do in the same call:
 * <ul>
 *   <li>{@code transposeIntoFlag}: a 2-d transpose read only by the product becomes a trans flag (matmul_tn is
 *       already a transposed a);</li>
 *   <li>{@code biasEpilogue}: a product read only by an add of a bias row (a [N] or [1,N] input), and then maybe
 *       only by a ReLU, is one {@code gemm_bias} or {@code gemm_bias_relu}, the add and ReLU done in the store;</li>
 *   <li>{@code accumulate}: a product read only by any other add of its shape is {@code gemm_acc}: the other
 *       operand (often an inlined expression, such as weight decay's term of a weight gradient) is stored first and
 *       the product added to it. Two products added are left alone.</li>
 * </ul>
 * The fused instruction stands where the last op it absorbs stood and keeps that value's name. A product that takes
 * in nothing stays a matmul.
 */
final class FuseMatmul {

    private FuseMatmul() {
    }

    static Graph apply(Graph g) {
        Uses uses = new Uses(g);
        Set<Instr> dropped = new HashSet<>();
        Map<Instr, List<Instr>> replaced = new HashMap<>();
        for (Instr mm : g.body()) {
            if (mm.op() != Op.MATMUL && mm.op() != Op.MATMUL_TN) {
                continue;
            }
            boolean tn = mm.op() == Op.MATMUL_TN;
            Value a = mm.args().get(0);
            Value b = mm.args().get(1);
            boolean transA = tn || transpose2d(uses, a);
            boolean transB = !tn && transpose2d(uses, b) && !a.equals(b);
            Set<Instr> absorbed = new HashSet<>();
            if (transA && !tn) {
                absorbed.add(uses.producer(a));
                a = uses.producer(a).args().get(0);
            }
            if (transB) {
                absorbed.add(uses.producer(b));
                b = uses.producer(b).args().get(0);
            }
            Attr.Trans trans = new Attr.Trans(transA, transB);
            Instr last = mm;
            Op op = Op.GEMM;
            List<Value> args = List.of(a, b);
            Instr add = uses.onlyReader(mm.out());
            if (add != null && add.op() == Op.ADD && add.out().shape().equals(mm.out().shape())
                    && !add.args().get(0).equals(add.args().get(1)) && !fromProduct(uses, Uses.other(add, mm.out()))) {
                Value other = Uses.other(add, mm.out());
                absorbed.add(mm);
                last = add;
                args = List.of(a, b, other);
                op = Op.GEMM_ACC;
                if (!transA && biasRow(uses, other, mm.out().shape())) {
                    Instr relu = uses.onlyReader(add.out());
                    op = relu != null && relu.op() == Op.RELU ? Op.GEMM_BIAS_RELU : Op.GEMM_BIAS;
                    if (op == Op.GEMM_BIAS_RELU) {
                        absorbed.add(add);
                        last = relu;
                    }
                }
            }
            if (op == Op.GEMM && absorbed.isEmpty()) {
                continue;
            }
            absorbed.remove(last);
            dropped.addAll(absorbed);
            replaced.put(last, List.of(new Instr(last.out(), op, args, trans, last.span())));
            check(op, args, trans, last);
        }
        return Uses.rebuild(g, dropped, replaced);
    }

    /** A transpose of a matrix that only the product reads. */
    private static boolean transpose2d(Uses uses, Value v) {
        Instr p = uses.producer(v);
        return p != null && p.op() == Op.TRANSPOSE && p.args().get(0).shape().rank() == 2 && uses.onlyReader(v) != null;
    }

    /** A bias row: an input of shape [N] or [1,N] added to an [M,N] product. */
    private static boolean biasRow(Uses uses, Value v, Shape product) {
        Shape s = v.shape();
        boolean row = s.rank() == 1 || s.rank() == 2 && s.dim(0) == 1;
        return row && uses.producer(v) == null && s.dim(s.rank() - 1) == product.dim(1);
    }

    /** Computed by a contraction: two products added stay two kernels and an add. */
    private static boolean fromProduct(Uses uses, Value v) {
        Instr p = uses.producer(v);
        return p != null && p.op().family() == Op.Family.CONTRACTION;
    }

    private static void check(Op op, List<Value> args, Attr attr, Instr last) {
        if (!ShapeRules.infer(op, args.stream().map(Value::type).toList(), attr).equals(last.out().type())) {
            throw new IllegalStateException("fusing into " + op + " changed the type of " + last);
        }
    }
}
