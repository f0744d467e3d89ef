package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The convolution and pooling built-ins, the conv2d layer of the standard library, reshape's -1 and 'if'. */
class ConvLayerTest {

    /** A model over images {@code img : f32[B, 3, 8, 8]} with the given body. */
    private static ModelIr images(String body) {
        return Models.compile("model M {\n    input img : f32[B, 3, 8, 8]\n" + body + "\n}\n");
    }

    private static Attr.Window window(ModelIr m, Op op) {
        return (Attr.Window) Models.ops(m.train(), op).get(0).attr();
    }

    @Test
    void conv2dLayer_createsTorchLayoutParams_andAddsTheBiasPerChannel() {
        ModelIr m = images("output o = conv2d(img, 16, 3, padding = \"same\", activation = relu)");
        assertEquals(List.of("o.W", "o.b"), Models.paramNames(m));
        assertEquals(Shape.of(16, 3, 3, 3), Models.param(m, "o.W").shape());
        assertEquals(Shape.of(16), Models.param(m, "o.b").shape());
        assertEquals(Shape.of(Shape.BATCH, 16, 8, 8), Models.output(m, "o").shape());
        // the pattern the code generator fuses: conv2d -> add(reshape(b) to [O,1,1]) -> relu
        Instr relu = Models.ops(m.train(), Op.RELU).get(0);
        Instr add = Models.named(m.train(), relu.args().get(0).name());
        assertEquals(Op.ADD, add.op());
        assertEquals(Op.CONV2D, Models.named(m.train(), add.args().get(0).name()).op());
        Instr bias = Models.named(m.train(), add.args().get(1).name());
        assertEquals(Op.RESHAPE, bias.op());
        assertEquals(Shape.of(16, 1, 1), bias.out().shape());
        assertEquals("o.b", bias.args().get(0).name());
    }

    @Test
    void conv2dLayer_withoutBias_declaresNoB() {
        ModelIr m = images("output o = conv2d(img, 4, [3, 5], bias = false)");
        assertEquals(List.of("o.W"), Models.paramNames(m));
        assertEquals(Shape.of(4, 3, 3, 5), Models.param(m, "o.W").shape());
        assertEquals(Shape.of(Shape.BATCH, 4, 6, 4), Models.output(m, "o").shape());
        assertTrue(Models.ops(m.train(), Op.ADD).isEmpty());
    }

    @Test
    void conv_stridePaddingAndDilation_giveTorchsOutputSize() {
        // floor((8 + 2*1 - 2*(3-1) - 1) / 2) + 1 = 3 rows; floor((8 + 2*2 - 1*(3-1) - 1) / 1) + 1 = 10 columns
        ModelIr m = images("param W : [2, 3, 3, 3] = zeros\n"
                + "output o = conv(img, W, stride = [2, 1], padding = [1, 2], dilation = [2, 1])");
        assertEquals(Shape.of(Shape.BATCH, 2, 3, 10), Models.output(m, "o").shape());
        assertEquals(new Attr.Window(3, 3, 2, 1, 1, 2, 1, 2, 2, 1, 8, 8), window(m, Op.CONV2D));
    }

    @Test
    void samePadding_ofAnEvenWindow_putsTheExtraRowAtTheBottomAndRight_likeTorch() {
        ModelIr m = images("param W : [2, 3, 4, 2] = zeros\noutput o = conv(img, W, padding = \"same\", dilation = [1, 3])");
        // totals: 1*(4-1) = 3 rows -> 1 top, 2 bottom; 3*(2-1) = 3 columns -> 1 left, 2 right
        assertEquals(new Attr.Window(4, 2, 1, 1, 1, 1, 2, 2, 1, 3, 8, 8), window(m, Op.CONV2D));
        assertEquals(Shape.of(Shape.BATCH, 2, 8, 8), Models.output(m, "o").shape());
    }

    @Test
    void pooling_defaultsTheStrideToTheWindow() {
        ModelIr m = images("output a = max_pool2d(img, 2)\noutput b = avg_pool2d(img, [3, 2], stride = 1, padding = [1, 0])");
        assertEquals(Shape.of(Shape.BATCH, 3, 4, 4), Models.output(m, "a").shape());
        assertEquals(new Attr.Window(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 8, 8), window(m, Op.MAX_POOL2D));
        assertEquals(Shape.of(Shape.BATCH, 3, 8, 7), Models.output(m, "b").shape());
    }

    @Test
    void globalPools_keepBatchAndChannels() {
        ModelIr m = images("output a = global_max_pool(img)\noutput b = global_avg_pool(img)");
        assertEquals(Shape.of(Shape.BATCH, 3), Models.output(m, "a").shape());
        assertEquals(Shape.of(Shape.BATCH, 3), Models.output(m, "b").shape());
        assertEquals(new Attr.Window(8, 8, 1, 1, 0, 0, 0, 0, 1, 1, 8, 8), window(m, Op.MAX_POOL2D));
        assertEquals(new Attr.Axes(List.of(2, 3), false), Models.ops(m.train(), Op.MEAN).get(0).attr());
    }

    @Test
    void flatten_afterConvolution_keepsTheBatchAxis() {
        ModelIr m = images("c = conv2d(img, 4, 3)\noutput o = flatten(max_pool2d(c, 2))");
        assertEquals(Shape.of(Shape.BATCH, 4 * 3 * 3), Models.output(m, "o").shape());
    }

    @Test
    void reshape_minusOneFirst_standsForTheBatch() {
        ModelIr m = images("output a = reshape(img, [-1, 192])\noutput b = reshape(img, [B, -1])\noutput c = reshape(img, [-1, 3, 64])");
        assertEquals(Shape.of(Shape.BATCH, 192), Models.output(m, "a").shape());
        assertEquals(Shape.of(Shape.BATCH, 192), Models.output(m, "b").shape());
        assertEquals(Shape.of(Shape.BATCH, 3, 64), Models.output(m, "c").shape());
    }

    @Test
    void reshape_minusOneThatWouldAbsorbTheBatchElsewhere_isAClearError() {
        String off = Models.errors("model M {\n    input img : f32[B, 3, 8, 8]\n    output o = reshape(img, [3, -1])\n}\n");
        assertTrue(off.contains("cannot reshape [B,3,8,8] to [3,-1]: the -1 would have to absorb the batch dimension B"), off);
        String times = Models.errors("model M {\n    input img : f32[B, 3, 8, 8]\n    output o = reshape(img, [-1, 64])\n}\n");
        assertTrue(times.contains("the -1 would be 3*B"), times);
    }

    @Test
    void pow_isElementwise() {
        ModelIr m = Models.withBody("output o = pow(x, 2) + pow(2, x)");
        assertEquals(2, Models.ops(m.train(), Op.POW).size());
    }

    @Test
    void weights_includeConvKernels_andBiasesTheirBiases() {
        ModelIr m = Models.compile("""
                model M {
                    input img : f32[B, 1, 6, 6]
                    target y : i32[B] classes 2
                    c = conv2d(img, 4, 3, activation = relu)
                    output logits = dense(global_avg_pool(c), 2)
                    loss = cross_entropy(logits, y) + l2(weights, 0.1) + l1(biases, 0.1)
                }
                """);
        List<String> squared = Models.ops(m.train(), Op.MUL).stream()
                .filter(i -> i.args().get(0).equals(i.args().get(1))).map(i -> i.args().get(0).name()).toList();
        assertEquals(List.of("c.W", "logits.W"), squared);
        List<String> abs = Models.ops(m.train(), Op.ABS).stream().map(i -> i.args().get(0).name()).toList();
        assertEquals(List.of("c.b", "logits.b"), abs);
    }

    @Test
    void ifInADefinition_elaboratesOnlyTheChosenBranch() {
        ModelIr m = Models.compile("""
                def maybe_scaled(x, scaled) {
                    if scaled {
                        param s : [1] = ones
                        y = x * s
                    } else {
                        y = x
                    }
                    return y
                }
                model M {
                    input x : f32[B, 4]
                    a = maybe_scaled(x, true)
                    b = maybe_scaled(x, false)
                    output o = a + b
                }
                """);
        assertEquals(List.of("a.s"), Models.paramNames(m));
    }

    @Test
    void ifConditionThatIsNotABoolean_isReported() {
        String err = Models.errors("def f(x) {\n    if x {\n        y = x\n    }\n    return x\n}\n"
                + "model M {\n    input x : f32[B, 4]\n    output o = f(x)\n}\n");
        assertTrue(err.contains("the condition of 'if' must be true or false, known at compile time; got a tensor f32[B,4]"), err);
    }

    @Test
    void theLanguageGuidesExample_compilesWithTheShapesItStates() {
        ModelIr m = Models.compile("""
                model Digits {
                    input img : f32[B, 1, 28, 28]
                    target y : i32[B] classes 10
                    c1 = conv2d(img, 16, 3, padding = "same", activation = relu)
                    p1 = max_pool2d(c1, 2)
                    c2 = conv2d(p1, 32, [3, 3], stride = 2, padding = 1, activation = relu)
                    logits = dense(flatten(c2), 10)
                    output probs = softmax(logits)
                    loss = cross_entropy(logits, y) + l2(weights, 1e-4)
                }
                """);
        assertEquals(List.of("c1.W", "c1.b", "c2.W", "c2.b", "logits.W", "logits.b"), Models.paramNames(m));
        assertEquals(Shape.of(1568, 10), Models.param(m, "logits.W").shape());
        assertEquals(Shape.of(Shape.BATCH, 16, 14, 14), Models.named(m.train(), "p1").out().shape());
    }
}
