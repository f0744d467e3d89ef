package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.DType;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Verifier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.DoubleUnaryOperator;

/**
 * Checks a model's symbolic gradients against central finite differences, in double precision through the
 * interpreter: for users writing their own layers. Inputs, targets (labels drawn within their classes)
 * and parameters are drawn from a seeded generator. A parameter of at most {@link #FULL_CHECK_LIMIT}
 * elements is checked coordinate by coordinate; a larger one along {@link #DIRECTIONS} random directions
 * and at {@link #SAMPLED_COORDINATES} random coordinates.
 *
 * <p>The relative error of one comparison is {@code |symbolic - numeric| / max(|symbolic|, |numeric|, 1e-5)}:
 * the floor keeps finite-difference noise on gradients that are (nearly) zero from counting as error. Near a kink
 * (ReLU, max pooling, |x|) within one step, the one-sided difference on the smooth side, or a smaller step, is used
 * ({@link #error}).
 */
public final class GradCheck {

    public static final int FULL_CHECK_LIMIT = 2000;
    public static final int DIRECTIONS = 3;
    public static final int SAMPLED_COORDINATES = 50;
    static final double STEP = 1e-5;
    static final double FLOOR = 1e-5;

    /**
     * The outcome for one parameter.
     *
     * @param name               the parameter
     * @param elements           its element count
     * @param checks             how many comparisons were made (coordinates and directions)
     * @param worstRelativeError the largest relative error among them
     * @param ok                 whether it is within the tolerance
     */
    public record Result(String name, long elements, int checks, double worstRelativeError, boolean ok) {
    }

    private final Graph train;
    private final int batch;
    private final int fullCheckLimit;
    private final Random rnd;
    private final Map<String, Tensor> feed = new HashMap<>();
    private final String lossName;
    /** The loss at the drawn point, computed when a one-sided difference is first needed. */
    private double baseLoss = Double.NaN;
    /** A central difference this close needs no second look; a worse one is compared one-sided too ({@link #error}). */
    static final double SMOOTH = 1e-6;

    private GradCheck(Graph train, Map<String, Integer> targetClasses, long seed, int batch, int fullCheckLimit) {
        this.train = train;
        this.batch = batch;
        this.fullCheckLimit = fullCheckLimit;
        this.rnd = new Random(seed);
        this.lossName = train.outputs(Graph.OutputRole.LOSS).stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("graph " + train.name() + " has no loss")).name();
        for (Graph.Input in : train.inputs()) {
            feed.put(in.value().name(), draw(in, targetClasses));
        }
    }

    public static List<Result> check(ModelIr model, long seed, double tolerance, int batch) {
        return check(model.train(), model.targetClasses(), seed, tolerance, batch);
    }

    /** @param targetClasses classes of each integer-label target, by name (else one_hot's depth is used) */
    public static List<Result> check(Graph train, Map<String, Integer> targetClasses, long seed, double tolerance, int batch) {
        return check(train, targetClasses, seed, tolerance, batch, FULL_CHECK_LIMIT);
    }

    /** As {@link #check(Graph, Map, long, double, int)}, sampling every parameter larger than {@code fullCheckLimit}. */
    public static List<Result> check(Graph train, Map<String, Integer> targetClasses, long seed, double tolerance, int batch,
                              int fullCheckLimit) {
        return new GradCheck(train, targetClasses, seed, batch, fullCheckLimit).run(Autodiff.gradients(train), tolerance);
    }

    /** Checks the GRAD outputs of {@code gradients}, a graph over the same inputs as {@code train}. */
    static List<Result> check(Graph train, Graph gradients, Map<String, Integer> targetClasses, long seed,
                              double tolerance, int batch) {
        return new GradCheck(train, targetClasses, seed, batch, FULL_CHECK_LIMIT).run(gradients, tolerance);
    }

    private List<Result> run(Graph gradients, double tolerance) {
        Graph grads = Verifier.verify(gradients);
        Map<String, Tensor> values = Interpreter.runAll(grads, batch, feed);
        List<Result> results = new ArrayList<>();
        for (Graph.Output g : grads.outputs(Graph.OutputRole.GRAD)) {
            Tensor symbolic = values.get(g.value().name());
            List<Double> errors = symbolic.size() <= fullCheckLimit
                    ? coordinates(g.name(), symbolic, allIndices(symbolic.size()))
                    : sampled(g.name(), symbolic);
            double worst = errors.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            results.add(new Result(g.name(), symbolic.size(), errors.size(), worst, worst <= tolerance));
        }
        return results;
    }

    private List<Double> sampled(String param, Tensor symbolic) {
        List<Double> errors = new ArrayList<>();
        for (int d = 0; d < DIRECTIONS; d++) {
            errors.add(direction(param, symbolic));
        }
        List<Integer> indices = new ArrayList<>();
        for (int k = 0; k < SAMPLED_COORDINATES; k++) {
            indices.add(rnd.nextInt(symbolic.size()));
        }
        errors.addAll(coordinates(param, symbolic, indices));
        return errors;
    }

    private List<Double> coordinates(String param, Tensor symbolic, List<Integer> indices) {
        Tensor p = feed.get(param);
        List<Double> errors = new ArrayList<>();
        for (int i : indices) {
            errors.add(error(symbolic.at(i), t -> lossWith(param, p.with(i, p.at(i) + t)), this::baseLoss));
        }
        return errors;
    }

    /** Compares the directional derivative along a random unit vector d with symbolic . d. */
    private double direction(String param, Tensor symbolic) {
        Tensor p = feed.get(param);
        double[] d = new double[p.size()];
        double norm = 0;
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextGaussian();
            norm += d[i] * d[i];
        }
        double projected = 0;
        for (int i = 0; i < d.length; i++) {
            d[i] /= Math.sqrt(norm);
            projected += symbolic.at(i) * d[i];
        }
        return error(projected, t -> {
            double[] moved = p.data();
            for (int i = 0; i < d.length; i++) {
                moved[i] += t * d[i];
            }
            return lossWith(param, new Tensor(p.shape(), moved));
        }, this::baseLoss);
    }

    /**
     * The relative error of a symbolic derivative against finite differences of {@code lossAt(t)}, the loss moved by
     * t along the checked coordinate or direction ({@code atPoint} is lossAt(0), computed only when needed).
     * Central differences first; where they disagree, the one-sided ones: a ReLU, max-pooling or absolute-value kink
     * within one step of the point makes the central difference a mix of two slopes, but the side without the kink
     * is smooth over its whole step, and the symbolic derivative, taken at the point, is that side's slope. Where
     * kinks lie on both sides (a batch-normalized layer moves thousands of ReLU inputs at once), the step is
     * divided by 10 and tried again, twice. A wrong gradient matches no side at any step.
     */
    static double error(double symbolic, DoubleUnaryOperator lossAt, DoubleSupplier atPoint) {
        double best = Double.POSITIVE_INFINITY;
        for (double step = STEP; step >= STEP / 100; step /= 10) {
            double up = lossAt.applyAsDouble(step);
            double down = lossAt.applyAsDouble(-step);
            double central = relativeError(symbolic, (up - down) / (2 * step));
            if (central <= SMOOTH) {
                return central;
            }
            double here = atPoint.getAsDouble();
            double oneSided = Math.min(relativeError(symbolic, (up - here) / step),
                    relativeError(symbolic, (here - down) / step));
            best = Math.min(best, Math.min(central, oneSided));
            if (best <= SMOOTH) {
                return best;
            }
        }
        return best;
    }

    private double baseLoss() {
        if (Double.isNaN(baseLoss)) {
            baseLoss = Interpreter.run(train, batch, feed).get(lossName).item();
        }
        return baseLoss;
    }

    private double lossWith(String param, Tensor value) {
        Map<String, Tensor> moved = new HashMap<>(feed);
        moved.put(param, value);
        return Interpreter.run(train, batch, moved).get(lossName).item();
    }

    static double relativeError(double symbolic, double numeric) {
        double diff = Math.abs(symbolic - numeric);
        return diff == 0 ? 0 : diff / Math.max(FLOOR, Math.max(Math.abs(symbolic), Math.abs(numeric)));
    }

    private static List<Integer> allIndices(int n) {
        List<Integer> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        return all;
    }

    private Tensor draw(Graph.Input in, Map<String, Integer> targetClasses) {
        int[] dims = in.value().shape().concrete(batch);
        double[] d = new double[Tensor.size(dims)];
        if (in.value().dtype() == DType.I32) {
            String name = in.value().name();
            int classes = targetClasses.containsKey(name) ? targetClasses.get(name) : oneHotDepth(name);
            for (int i = 0; i < d.length; i++) {
                d[i] = rnd.nextInt(classes);
            }
        } else if (in.role() == Graph.InputRole.PARAM) {
            // uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) keeps activations O(1), like common initialisers
            double bound = dims.length >= 2 ? 1 / Math.sqrt(dims[0]) : 0.5;
            for (int i = 0; i < d.length; i++) {
                d[i] = bound * (2 * rnd.nextDouble() - 1);
            }
        } else {
            for (int i = 0; i < d.length; i++) {
                d[i] = rnd.nextGaussian();
            }
        }
        return new Tensor(dims, d);
    }

    /** For a label input with no declared class count: the depth of a one_hot that reads it. */
    private int oneHotDepth(String labels) {
        for (Instr i : train.body()) {
            if (i.op() == Op.ONE_HOT && i.args().get(0).name().equals(labels)) {
                return ((Attr.Depth) i.attr()).depth();
            }
        }
        throw new IllegalArgumentException("no class count for integer target " + labels);
    }
}
