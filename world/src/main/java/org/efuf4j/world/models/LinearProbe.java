package org.efuf4j.world.models;

/**
 * L2-regularised logistic regression fitted by full-batch gradient descent on standardised features: how much of
 * a label a fixed feature vector carries linearly.
 */
final class LinearProbe {
    private final double[] mean, scale, weights;
    private double bias;

    private LinearProbe(int d) {
        mean = new double[d];
        scale = new double[d];
        weights = new double[d];
    }

    static LinearProbe fit(float[][] x, boolean[] y, double l2, int iterations) {
        int n = x.length, d = x[0].length;
        LinearProbe p = new LinearProbe(d);
        for (float[] row : x) for (int k = 0; k < d; k++) p.mean[k] += row[k] / (double) n;
        for (float[] row : x) for (int k = 0; k < d; k++) p.scale[k] += (row[k] - p.mean[k]) * (row[k] - p.mean[k]) / n;
        for (int k = 0; k < d; k++) p.scale[k] = 1 / Math.sqrt(p.scale[k] + 1e-8);
        double[][] z = new double[n][d];
        for (int i = 0; i < n; i++) for (int k = 0; k < d; k++) z[i][k] = (x[i][k] - p.mean[k]) * p.scale[k];
        double[] grad = new double[d];
        // standardised inputs: a step of 1 is stable for the logistic loss (its Hessian is at most 1/4 of the covariance)
        double rate = 1.0;
        for (int it = 0; it < iterations; it++) {
            java.util.Arrays.fill(grad, 0);
            double gradBias = 0;
            for (int i = 0; i < n; i++) {
                double err = sigmoid(p.logit(z[i])) - (y[i] ? 1 : 0);
                for (int k = 0; k < d; k++) grad[k] += err * z[i][k];
                gradBias += err;
            }
            for (int k = 0; k < d; k++) p.weights[k] -= rate * (grad[k] / n + l2 * p.weights[k]);
            p.bias -= rate * gradBias / n;
        }
        return p;
    }

    /** The logit of the positive class. */
    double score(float[] x) {
        double s = bias;
        for (int k = 0; k < weights.length; k++) s += weights[k] * (x[k] - mean[k]) * scale[k];
        return s;
    }

    private double logit(double[] z) {
        double s = bias;
        for (int k = 0; k < weights.length; k++) s += weights[k] * z[k];
        return s;
    }

    private static double sigmoid(double v) { return 1 / (1 + Math.exp(-v)); }
}
