package org.efuf4j.autograd;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;

/** Elementwise functions (GELU erf/tanh, quick_gelu, SiLU, tanh, sigmoid, exp, log, ...) and their derivatives. */
public final class Activations {
    private Activations() {}

    public static Variable apply(UnaryOp op, Variable x) {
        Backend be = x.backend();
        Tensor xv = x.value();
        return Graph.record(be.unary(op, xv), new Node(x) {
            @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {be.unaryBackward(op, xv, g)}; }
        });
    }

    public static Variable geluErf(Variable x) { return apply(UnaryOp.GELU_ERF, x); }
    public static Variable geluTanh(Variable x) { return apply(UnaryOp.GELU_TANH, x); }
    public static Variable quickGelu(Variable x) { return apply(UnaryOp.QUICK_GELU, x); }
    public static Variable silu(Variable x) { return apply(UnaryOp.SILU, x); }
    public static Variable tanh(Variable x) { return apply(UnaryOp.TANH, x); }
    public static Variable sigmoid(Variable x) { return apply(UnaryOp.SIGMOID, x); }
    public static Variable exp(Variable x) { return apply(UnaryOp.EXP, x); }
    public static Variable log(Variable x) { return apply(UnaryOp.LOG, x); }
    public static Variable relu(Variable x) { return apply(UnaryOp.RELU, x); }

    /** The activation a Hugging Face config names ({@code hidden_act}). */
    public static UnaryOp byName(String hiddenAct) {
        return switch (hiddenAct) {
            case "gelu" -> UnaryOp.GELU_ERF;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> UnaryOp.GELU_TANH;
            case "quick_gelu" -> UnaryOp.QUICK_GELU;
            case "silu", "swish" -> UnaryOp.SILU;
            case "relu" -> UnaryOp.RELU;
            case "tanh" -> UnaryOp.TANH;
            case "sigmoid" -> UnaryOp.SIGMOID;
            default -> throw new IllegalArgumentException("unknown activation '" + hiddenAct + "'; known: gelu, gelu_new, gelu_pytorch_tanh, quick_gelu, silu, relu, tanh, sigmoid");
        };
    }
}
