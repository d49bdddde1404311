package org.efuf4j.autograd;

import java.util.Arrays;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * A tensor in the autodiff graph: its value, whether it wants a gradient, the gradient accumulated by
 * {@link #backward}, and (for op results) the {@link Node} that made it. Leaves the user creates
 * ({@link #leaf}, parameters) receive gradients; op results only pass them on.
 */
public class Variable {
    private Tensor value;
    private Tensor grad;
    private boolean requiresGrad;
    private Node creator;
    private boolean released;

    public Variable(Tensor value, boolean requiresGrad) {
        this.value = value;
        this.requiresGrad = requiresGrad;
    }

    Variable(Tensor value, Node creator) {
        this.value = value;
        this.creator = creator;
        this.requiresGrad = true;
    }

    /** A value that never receives a gradient (inputs, masks, targets). */
    public static Variable constant(Tensor value) { return new Variable(value, false); }

    /** A leaf that accumulates a gradient. */
    public static Variable leaf(Tensor value) { return new Variable(value, true); }

    public Tensor value() { return value; }
    public Tensor grad() { return grad; }
    public boolean requiresGrad() { return requiresGrad; }
    public int[] shape() { return value.shape(); }
    public int dim(int axis) { return value.dim(axis); }
    public int rank() { return value.rank(); }
    public Backend backend() { return value.backend(); }
    Node creator() { return creator; }

    /** True for variables that are not the result of a recorded op. */
    public boolean isLeaf() { return creator == null; }

    /** Turns gradient tracking on or off for a leaf (freezing); op results follow their inputs. */
    public void setRequiresGrad(boolean on) {
        if (creator != null) throw new IllegalStateException("requiresGrad of an op result follows its inputs; set it on the leaves");
        this.requiresGrad = on;
    }

    /** Replaces the value of a leaf in place of identity (loading weights); the shape must stay. */
    public void setValue(Tensor newValue) {
        if (creator != null) throw new IllegalStateException("only leaves can be assigned a value");
        if (!Arrays.equals(value.shape(), newValue.shape()))
            throw new IllegalArgumentException("new value of shape " + Shapes.str(newValue.shape()) + " for a variable of shape " + Shapes.str(value.shape()));
        this.value = newValue;
    }

    public void zeroGrad() { grad = null; }

    /** Replaces the accumulated gradient (gradient clipping, tests). */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape(), value.shape()))
            throw new IllegalArgumentException("gradient of shape " + Shapes.str(g.shape()) + " for a variable of shape " + Shapes.str(value.shape()));
        grad = g;
    }

    void accumulateGrad(Tensor g) { grad = grad == null ? g : Graph.add(grad, g); }

    void release() {
        creator = null;
        released = true;
    }

    /** Backward from a one-element result (a loss). */
    public void backward() {
        if (value.numel() != 1)
            throw new IllegalStateException("backward() without an upstream gradient needs a one-element result, got shape " + Shapes.str(value.shape()));
        backward(Graph.ones(value));
    }

    /** Backward from any result, given the gradient of the final scalar w.r.t. this variable. */
    public void backward(Tensor upstream) {
        if (released) throw new IllegalStateException("the graph behind this variable was released by an earlier backward; run the forward again");
        if (!requiresGrad) throw new IllegalStateException("backward on a variable that does not require a gradient (no input requires one, or it was computed under NoGrad)");
        Graph.backward(this, upstream);
    }

    // ---------------------------------------------------------------- fluent forms of the common ops

    public Variable add(Variable o) { return Arithmetic.add(this, o); }
    public Variable sub(Variable o) { return Arithmetic.sub(this, o); }
    public Variable mul(Variable o) { return Arithmetic.mul(this, o); }
    public Variable div(Variable o) { return Arithmetic.div(this, o); }
    public Variable scale(float s) { return Arithmetic.scale(this, s); }
    public Variable matmul(Variable o) { return MatrixOps.matmul(this, o); }
    public Variable reshape(int... shape) { return Shaping.reshape(this, shape); }
    public Variable permute(int... axes) { return Shaping.permute(this, axes); }
    public Variable transpose(int a, int b) { return Shaping.transpose(this, a, b); }
    public Variable slice(int axis, int start, int end) { return Shaping.slice(this, axis, start, end); }
    public Variable sum() { return Reductions.sumAll(this); }
    public Variable mean() { return Reductions.meanAll(this); }

    @Override public String toString() {
        return "Variable(" + value + (requiresGrad ? ", requiresGrad" : "") + (creator != null ? ", from " + creator.getClass().getSimpleName() : "") + ")";
    }
}
