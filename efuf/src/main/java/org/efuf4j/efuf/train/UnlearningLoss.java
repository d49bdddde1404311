package org.efuf4j.efuf.train;

import org.efuf4j.autograd.Losses;
import org.efuf4j.autograd.Variable;
import org.efuf4j.tensor.Tensor;

/**
 * EFUF's objective: {@code L = L_pos + lambda1 * L_neg + lambda2 * L_sent}, where {@code L_neg = -L_ft} (gradient
 * ascent on the hallucinated clause) and L_ft is each sample's mean cross-entropy over its target tokens only.
 */
public final class UnlearningLoss {
    private UnlearningLoss() {}

    /**
     * L_ft per sample, {@code [B]}: logits {@code [B, T, V]} at position t predict token t+1; {@code targets [B, T]}
     * holds the token to predict at each position or {@link org.efuf4j.tensor.Backend#IGNORE_INDEX} (image, prompt, context).
     */
    public static Variable targetCrossEntropy(Variable logits, Tensor targets) {
        return Losses.tokenCrossEntropy(logits, targets, Losses.Reduction.NONE);
    }

    /** The weighted sum; an absent term (null) counts zero. {@code neg} is L_ft of the negative sample (positive number). */
    public static Variable combine(Variable pos, Variable neg, Variable sent, double lambda1, double lambda2) {
        Variable total = null;
        if (pos != null) total = pos;
        if (neg != null) total = add(total, neg.scale((float) -lambda1));
        if (sent != null) total = add(total, sent.scale((float) lambda2));
        if (total == null) throw new IllegalArgumentException("the loss has no terms: no positive, negative or sentence sample");
        return total;
    }

    private static Variable add(Variable a, Variable b) { return a == null ? b : a.add(b); }
}
