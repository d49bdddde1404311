/**
 * Reading and writing the safetensors checkpoint format.
 *
 * <ul>
 *   <li>{@link org.efuf4j.tensor.safetensors.SafetensorsFile} maps one file and exposes each tensor as a
 *       zero-copy, read-only {@link org.efuf4j.tensor.Tensor} in its stored dtype;</li>
 *   <li>{@link org.efuf4j.tensor.safetensors.SafetensorsHeader} parses and validates a header (also on its own,
 *       without mapping the data);</li>
 *   <li>{@link org.efuf4j.tensor.safetensors.SafetensorsCheckpoint} opens a file, a shard index or a checkpoint
 *       directory as one name -&gt; tensor view;</li>
 *   <li>{@link org.efuf4j.tensor.safetensors.SafetensorsWriter} writes single files and sharded checkpoints,
 *       atomically.</li>
 * </ul>
 * Every rejected input raises {@link org.efuf4j.tensor.safetensors.SafetensorsException}, whose message names the
 * file, the tensor where one is involved, and the expected and actual values.
 */
package org.efuf4j.tensor.safetensors;
