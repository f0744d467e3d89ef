package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.OptimizerSpec.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused training step ({@code trainAndUpdate}, each parameter's update right after the kernel that finishes its
 * gradient) against trainStep then update: the same bits in every buffer a step leaves (weights, optimizer state,
 * gradients, loss, outputs, gradient-health sums), for every optimizer, in both bytecode families, over awkward
 * shapes (1, 15, 17, 255), convolutions, and a GRU whose weights every time step reads.
 */
class FusedUpdateTest {

    /** A dense model of the given widths with an L2 term (which reads the weights inside their gradient's product). */
    static String dense(int in, int hidden, int classes) {
        return """
                model Fused {
                    input x : f32[B, %d]
                    target y : i32[B] classes %d
                    h = dense(x, %d, activation = relu)
                    logits = dense(h, %d)
                    output probs = softmax(logits)
                    loss = cross_entropy(logits, y) + l2(weights, 1e-3)
                }
                """.formatted(in, classes, hidden, classes);
    }

    static final List<OptimizerSpec> OPTIMIZERS = List.of(
            OptimizerSpec.sgd(0.05, 0, 0),
            OptimizerSpec.sgd(0.05, 0.9, 1e-3),
            new OptimizerSpec(Kind.NESTEROV, 0.05, 0.9, 0.9, 0.999, 0.99, 1e-8, 1e-3),
            new OptimizerSpec(Kind.ADAM, 1e-2, 0, 0.9, 0.999, 0.99, 1e-8, 1e-3),
            new OptimizerSpec(Kind.ADAMW, 1e-2, 0, 0.9, 0.999, 0.99, 1e-8, 1e-2),
            new OptimizerSpec(Kind.RMSPROP, 1e-2, 0, 0.9, 0.999, 0.99, 1e-8, 0),
            new OptimizerSpec(Kind.RMSPROP, 1e-2, 0.5, 0.9, 0.999, 0.99, 1e-8, 1e-3));

    /** name, source, batch, health: widths and batches of 1, 15, 17 and 255 (255 x 255 weights split over threads). */
    static Stream<Arguments> cases() {
        List<Object[]> models = List.of(
                new Object[] {"dense 1-17-2 batch 1", dense(1, 17, 2), 1, true},
                new Object[] {"dense 15-255-17 batch 15", dense(15, 255, 17), 15, false},
                new Object[] {"dense 255-1-15 batch 17", dense(255, 1, 15), 17, true},
                new Object[] {"dense 255-255-2 batch 17", dense(255, 255, 2), 17, true},
                new Object[] {"conv batch 15", GradientHealthKernelsTest.CONV, 15, true},
                new Object[] {"gru and dropout batch 17", NoAllocationTest.RANDOM_AND_SEQUENCES, 17, true});
        List<Arguments> out = new ArrayList<>();
        for (Object[] m : models) {
            for (OptimizerSpec o : OPTIMIZERS) {
                out.add(Arguments.of(m[0], m[1], m[2], m[3], o));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} health={3} {4}")
    @MethodSource("cases")
    void fusedStep_leavesTheBitsOfTrainStepThenUpdate_inBothFamilies(String name, String source, int batch,
                                                                     boolean health, OptimizerSpec o) {
        ModelIr m = GradientHealthKernelsTest.model(source);
        ModelClasses mc = GradientHealthKernelsTest.compile(m, o, health);
        assertInterleaved(mc);
        for (boolean vector : new boolean[] {true, false}) {
            CompiledModel model = Harness.load(mc, vector);
            assertTrue(model.fusesUpdate());
            ModelSpec spec = model.spec();
            float[][] separate = Harness.randomBuffers(spec, batch, batch * 31L + name.length());
            float[][] fused = Harness.copy(separate);
            int loss = spec.indicesOf(BufferRole.LOSS).get(0);
            for (int step = 1; step <= 3; step++) {
                // A schedule's learning rate and Adam's step count change from step to step.
                float[] hyper = {(float) (o.lr() * (1 - 0.2 * step)), step, 1};
                model.trainStep(separate, batch);
                model.update(separate, hyper.clone());
                model.trainAndUpdate(fused, batch, hyper.clone());
                assertEquals(separate[loss][0], fused[loss][0], "loss of step " + step);
            }
            int healthBuffers = 0;
            for (int i = 0; i < separate.length; i++) {
                BufferSpec b = spec.buffers().get(i);
                if (b.role() != BufferRole.TEMP) {
                    assertArrayEquals(separate[i], fused[i], name + " vector=" + vector + ": " + b.name());
                }
                healthBuffers += b.role() == BufferRole.HEALTH ? 1 : 0;
            }
            assertEquals(health, healthBuffers > 0, "health buffers compared");
        }
    }

    /**
     * Some update runs before a later trainStep kernel (the fused step is not trainStep then update), and no update
     * runs before a trainStep kernel that touches its parameter, gradient or state.
     */
    static void assertInterleaved(ModelClasses mc) {
        UpdateSchedule s = mc.schedule();
        var train = mc.program("trainStep");
        var update = mc.program("update");
        assertEquals(train.kernels().size() + update.kernels().size(), s.slots().size(), "every kernel once");
        assertEquals(update.kernels().size(), new HashSet<>(s.slots()).size() - train.kernels().size());
        boolean interleaved = false;
        Set<Integer> updated = new HashSet<>();
        for (UpdateSchedule.Slot slot : s.slots()) {
            if (slot.entry().equals("update")) {
                updated.addAll(UpdateSchedule.buffersOf(update.kernels().get(slot.kernel())));
                continue;
            }
            interleaved |= !updated.isEmpty();
            Set<Integer> touched = UpdateSchedule.buffersOf(train.kernels().get(slot.kernel()));
            touched.retainAll(updated);
            assertTrue(touched.isEmpty(), "trainStep kernel " + train.kernels().get(slot.kernel()).name()
                    + " touches buffers " + touched + " already updated");
        }
        assertTrue(interleaved, "some update runs before the last trainStep kernel:\n" + s.listing(train, update));
    }

    @Test
    void theListingShowsTheFusedOrder_eachUpdateRightAfterTheKernelThatFinishesItsGradient() {
        ModelClasses mc = ModelCompiler.compile(GradientHealthKernelsTest.model(dense(4, 8, 3)), OptimizerSpec.sgd(0.1, 0, 0));
        String listing = mc.listing();
        String fused = listing.substring(listing.indexOf("trainAndUpdate:\n"), listing.indexOf("temps:"));
        // The output layer's bias is updated before the hidden layer's gradients are computed; each weight right
        // after its gradient's product (which autodiff orders after the input gradients that read the weights). The
        // loss's kernels come last (Lowering.lossLast); they touch no parameter.
        assertTrue(fused.contains("trainStep grad_logits_b\n  update update_logits_b\n  trainStep grad_h"), fused);
        assertTrue(fused.contains("trainStep grad_h_b\n  update update_h_b\n"), fused);
        assertTrue(fused.contains("trainStep grad_h_W_3\n  update update_h_W\n"), fused);
        assertTrue(fused.endsWith("trainStep grad_logits_W_3\n  update update_logits_W\n  trainStep cross_entropy_picked\n"
                + "  trainStep cross_entropy_mean\n  trainStep loss\n"), fused);
    }
}
