package org.efuf4j.autograd;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;

/** Training losses built from the differentiable ops. */
public final class Losses {
    private Losses() {}

    /** How token losses are combined. */
    public enum Reduction {
        /** Mean over each sample's target tokens, then mean over samples (a sample without targets counts 0). */
        MEAN_PER_SAMPLE,
        /** Mean over all target tokens of the batch (torch's {@code F.cross_entropy} default). */
        TOKEN_MEAN,
        /** Sum over all target tokens. */
        SUM,
        /** Per-sample vector {@code [B]}: each sample's mean over its target tokens. */
        NONE
    }

    /** Token cross-entropy of {@code logits [B, T, V]} against {@code targets [B, T]}; label -100 is ignored. */
    public static Variable tokenCrossEntropy(Variable logits, Tensor targets, Reduction reduction) {
        if (logits.rank() != 3) throw new IllegalArgumentException("token logits must be [B, T, V], got " + org.efuf4j.tensor.Shapes.str(logits.shape()));
        int b = logits.dim(0), t = logits.dim(1), v = logits.dim(2);
        if (targets.rank() != 2 || targets.dim(0) != b || targets.dim(1) != t)
            throw new IllegalArgumentException("targets must be [" + b + ", " + t + "], got " + org.efuf4j.tensor.Shapes.str(targets.shape()));
        CrossEntropyOps.RowLosses rows = CrossEntropyOps.rows(logits.reshape(b * t, v), targets.reshape(b * t));
        Backend be = logits.backend();
        Variable tokenLoss = rows.loss().reshape(b, t);
        return switch (reduction) {
            case SUM -> tokenLoss.sum();
            case TOKEN_MEAN -> Arithmetic.div(tokenLoss.sum(), Variable.constant(atLeastOne(be, be.reduce(ReduceOp.SUM, rows.valid(), 0, true))));
            case MEAN_PER_SAMPLE, NONE -> {
                Tensor counts = atLeastOne(be, be.reduce(ReduceOp.SUM, rows.valid().reshape(b, t), 1, false));
                Variable perSample = Arithmetic.div(Reductions.sum(tokenLoss, 1, false), Variable.constant(counts));
                yield reduction == Reduction.NONE ? perSample : perSample.mean();
            }
        };
    }

    private static Tensor atLeastOne(Backend be, Tensor counts) {
        return be.binary(BinaryOp.MAX, counts, be.affine(be.zeros(DType.F32, 1), 0f, 1f));
    }

    /**
     * Element-wise binary cross-entropy of {@code logits} against {@code targets} in [0, 1] of the same shape (SigLIP's
     * per-pair loss, torch's {@code binary_cross_entropy_with_logits} without reduction):
     * {@code -[y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))] = max(x, 0) - y x + log(1 + exp(-|x|))}, the form in
     * which no logit overflows; its gradient is {@code sigmoid(x) - y}.
     */
    public static Variable sigmoidCrossEntropy(Variable logits, Tensor targets) {
        if (!java.util.Arrays.equals(logits.shape(), targets.shape()))
            throw new IllegalArgumentException("sigmoid cross-entropy targets must have the logits' shape " + org.efuf4j.tensor.Shapes.str(logits.shape())
                    + ", got " + org.efuf4j.tensor.Shapes.str(targets.shape()));
        Backend be = logits.backend();
        Tensor x = logits.value(), y = targets.to(x.device());
        Tensor softplusTail = be.unary(UnaryOp.LOG, be.affine(be.unary(UnaryOp.EXP, be.affine(be.unary(UnaryOp.ABS, x), -1f, 0f)), 1f, 1f));
        Tensor loss = be.binary(BinaryOp.ADD, be.binary(BinaryOp.SUB, be.unary(UnaryOp.RELU, x), be.binary(BinaryOp.MUL, y, x)), softplusTail);
        return Graph.record(loss, new Node(logits) {
            @Override protected Tensor[] backward(Tensor g) {
                return new Tensor[] {be.binary(BinaryOp.MUL, g, be.binary(BinaryOp.SUB, be.unary(UnaryOp.SIGMOID, x), y))};
            }
        });
    }

    /** Rows divided by their L2 norm. */
    public static Variable l2Normalize(Variable x) {
        Variable norm = Activations.apply(UnaryOp.SQRT, Reductions.sum(Activations.apply(UnaryOp.SQUARE, x), -1, true));
        return Arithmetic.div(x, norm);
    }

    /**
     * CLIP's symmetric contrastive loss (HF {@code CLIPModel}, {@code return_loss=True}): embeddings
     * {@code [N, D]} are L2-normalised, {@code logits = exp(logitScale) * text @ image^T}, and the loss is the
     * mean of the text-to-image and image-to-text cross-entropies against the diagonal.
     */
    public static Variable clipContrastive(Variable imageEmbeds, Variable textEmbeds, Variable logitScale) {
        int n = imageEmbeds.dim(0);
        Variable img = l2Normalize(imageEmbeds), txt = l2Normalize(textEmbeds);
        Variable logitsPerText = Arithmetic.mul(MatrixOps.matmul(txt, img.transpose(0, 1)), Activations.exp(logitScale));
        long[] diag = new long[n];
        for (int i = 0; i < n; i++) diag[i] = i;
        Tensor labels = imageEmbeds.backend().fromHost(Tensor.ofLongs(diag, n));
        Variable textLoss = CrossEntropyOps.rows(logitsPerText, labels).loss().mean();
        Variable imageLoss = CrossEntropyOps.rows(Shaping.contiguous(logitsPerText.transpose(0, 1)), labels).loss().mean();
        return Arithmetic.scale(Arithmetic.add(textLoss, imageLoss), 0.5f);
    }
}
