package org.efuf4j.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/** Records ops into a graph of {@link Node}s and runs reverse-mode accumulation through it. */
public final class Graph {
    private Graph() {}

    /**
     * The variable for an op's result: recorded with {@code node} when grad mode is on and some input
     * wants a gradient, a constant otherwise (inference keeps nothing alive).
     */
    public static Variable record(Tensor value, Node node) {
        if (!NoGrad.recording()) return Variable.constant(value);
        for (Variable in : node.inputs())
            if (in != null && in.requiresGrad()) return new Variable(value, node);
        return Variable.constant(value);
    }

    /**
     * Backpropagates {@code upstream} (the gradient of some scalar w.r.t. {@code root}) into the
     * {@code grad} of every leaf that requires one, accumulating onto existing gradients. Afterwards the
     * graph behind {@code root} is released: intermediate variables forget their nodes, so activations
     * become garbage and nothing grows from step to step.
     */
    static void backward(Variable root, Tensor upstream) {
        if (!Arrays.equals(root.value().shape(), upstream.shape()))
            throw new IllegalArgumentException("backward: upstream gradient shape " + Shapes.str(upstream.shape()) + " differs from output shape " + Shapes.str(root.value().shape()));
        if (root.creator() == null) {
            if (root.requiresGrad()) root.accumulateGrad(upstream);
            return;
        }
        List<Variable> order = topologicalOrder(root);
        Map<Variable, Tensor> pending = new IdentityHashMap<>();
        pending.put(root, upstream);
        try {
            for (int i = order.size() - 1; i >= 0; i--) {
                Variable v = order.get(i);
                Tensor g = pending.remove(v);
                if (g == null) continue;
                Node node = v.creator();
                Tensor[] grads = node.backward(g);
                Variable[] inputs = node.inputs();
                for (int k = 0; k < inputs.length; k++) {
                    Variable in = inputs[k];
                    if (in == null || !in.requiresGrad() || grads[k] == null) continue;
                    checkShape(node, k, in, grads[k]);
                    if (in.creator() != null) pending.merge(in, grads[k], Graph::add);
                    else in.accumulateGrad(grads[k]);
                }
            }
        } finally {
            for (Variable v : order) v.release();
        }
    }

    static Tensor add(Tensor a, Tensor b) { return a.backend().binary(org.efuf4j.tensor.BinaryOp.ADD, a, b); }

    private static void checkShape(Node node, int k, Variable in, Tensor g) {
        if (!Arrays.equals(in.value().shape(), g.shape()))
            throw new IllegalStateException(node.getClass().getName() + " produced a gradient of shape " + Shapes.str(g.shape())
                    + " for input " + k + " of shape " + Shapes.str(in.value().shape()));
    }

    /** Non-leaf variables reachable from {@code root}, every one after all of its inputs (iterative DFS: deep graphs don't overflow). */
    private static List<Variable> topologicalOrder(Variable root) {
        List<Variable> order = new ArrayList<>();
        Map<Variable, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Variable v = (Variable) frame[0];
            Variable[] inputs = v.creator().inputs();
            int next = (Integer) frame[1];
            boolean descended = false;
            while (next < inputs.length) {
                Variable in = inputs[next++];
                if (in != null && in.creator() != null && in.requiresGrad() && seen.put(in, Boolean.TRUE) == null) {
                    frame[1] = next;
                    stack.push(new Object[] {in, 0});
                    descended = true;
                    break;
                }
            }
            if (!descended) {
                stack.pop();
                order.add(v);
            }
        }
        return order;
    }

    /** A tensor of ones shaped like {@code like}, on its device (the seed of backward from a scalar). */
    static Tensor ones(Tensor like) {
        Backend be = like.backend();
        return be.affine(be.zeros(DType.F32, like.shape()), 0f, 1f);
    }
}
