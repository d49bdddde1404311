/**
 * Reverse-mode automatic differentiation over the {@link org.efuf4j.tensor.Backend} SPI.
 *
 * <p>A {@link org.efuf4j.autograd.Variable} wraps a tensor; ops are static methods grouped by family
 * ({@link org.efuf4j.autograd.Arithmetic}, {@link org.efuf4j.autograd.Activations},
 * {@link org.efuf4j.autograd.Reductions}, {@link org.efuf4j.autograd.Shaping}, {@link org.efuf4j.autograd.MatrixOps},
 * {@link org.efuf4j.autograd.SoftmaxOps}, {@link org.efuf4j.autograd.Normalization}, {@link org.efuf4j.autograd.Positions},
 * {@link org.efuf4j.autograd.Lookups}, {@link org.efuf4j.autograd.AttentionOps}, {@link org.efuf4j.autograd.Regularization},
 * {@link org.efuf4j.autograd.CrossEntropyOps}), each computing its forward and recording a
 * {@link org.efuf4j.autograd.Node} whose backward sits right beside it. Nothing is recorded under
 * {@link org.efuf4j.autograd.NoGrad} or when no input wants a gradient. {@link org.efuf4j.autograd.Variable#backward()}
 * walks the graph once, accumulates into leaf gradients and then releases the graph, so saved
 * activations die with the step.
 *
 * <p>Every forward and backward is a Backend call on the tensors' own device: a device backend keeps
 * the whole training step resident. The only host reads in a step are the global gradient norm of
 * {@link org.efuf4j.autograd.optim.GradClip} (one scalar) and whatever the caller asks for.
 *
 * <p>Gradient checks: the tensor module's {@code ref64} device ({@link org.efuf4j.tensor.reference.ReferenceBackend})
 * runs every kernel, forward and backward, in double precision, so the tests check each op and whole layers
 * against central finite differences in double (h = 1e-6, tolerance 1e-6 relative), and compare the CPU
 * kernels against the same double twins. The PyTorch parity test then runs two small models on both the
 * reference device and the CPU backend against torch.
 */
package org.efuf4j.autograd;
