package dev.nabla.runtime.train;

/**
 * Metrics of a model on a labelled dataset. The loss is the model's training loss (regularization included)
 * averaged over samples. Classifiers: accuracy and {@code confusion[actual][predicted]}; regression: MSE and MAE
 * over all target values. Fields that do not apply are NaN / null.
 */
public record Evaluation(int samples, double loss, double accuracy, int[][] confusion, double mse, double mae) {

    public boolean classifier() {
        return confusion != null;
    }

    /** A few lines for a terminal: the metrics, then the confusion matrix for classifiers. */
    public String report() {
        StringBuilder s = new StringBuilder(String.format("%d samples  loss %.4f", samples, loss));
        if (classifier()) {
            s.append(String.format("  accuracy %.2f%%%n", 100 * accuracy)).append("confusion matrix (rows: actual, columns: predicted)\n");
            appendConfusion(s);
        } else {
            s.append(String.format("  mse %.6g  mae %.6g%n", mse, mae));
        }
        return s.toString();
    }

    private void appendConfusion(StringBuilder s) {
        int width = 3;
        for (int[] row : confusion) {
            for (int v : row) {
                width = Math.max(width, Integer.toString(v).length() + 1);
            }
        }
        String cell = "%" + width + "s";
        s.append(String.format(cell, ""));
        for (int c = 0; c < confusion.length; c++) {
            s.append(String.format(cell, c));
        }
        s.append('\n');
        for (int a = 0; a < confusion.length; a++) {
            s.append(String.format(cell, a));
            for (int p = 0; p < confusion.length; p++) {
                s.append(String.format(cell, confusion[a][p]));
            }
            s.append('\n');
        }
    }
}
