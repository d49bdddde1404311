package org.efuf4j.autograd.nn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.safetensors.SafetensorsFile;
import org.efuf4j.tensor.safetensors.SafetensorsWriter;

/**
 * A node of the model tree. Children and parameters are registered under the names Hugging Face uses,
 * so {@link #namedParameters()} yields state-dict keys such as {@code encoder.layers.0.self_attn.q_proj.weight}
 * and loading a checkpoint is a walk, not a mapping table.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    protected final <M extends Module> M register(String name, M child) {
        checkName(name);
        children.put(name, child);
        return child;
    }

    protected final Parameter register(String name, Tensor value) {
        checkName(name);
        Parameter p = new Parameter(value);
        parameters.put(name, p);
        return p;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("module member name '" + name + "' must be non-empty without dots");
        if (parameters.containsKey(name) || children.containsKey(name)) throw new IllegalArgumentException("member '" + name + "' registered twice in " + getClass().getSimpleName());
    }

    /** Every parameter under its full dotted key, in registration order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        parameters.forEach((n, p) -> out.put(prefix + n, p));
        children.forEach((n, c) -> c.collect(prefix + n + ".", out));
    }

    public final List<Parameter> parameters() { return new ArrayList<>(namedParameters().values()); }

    /** Parameters that currently want gradients (what an optimizer should update). */
    public final List<Parameter> trainableParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : parameters()) if (p.requiresGrad()) out.add(p);
        return out;
    }

    public final Map<String, Module> children() { return java.util.Collections.unmodifiableMap(children); }

    // ---------------------------------------------------------------- modes

    public final boolean isTraining() { return training; }

    /** Training mode (dropout active) for this module and all below it. */
    public final Module train(boolean on) {
        training = on;
        for (Module c : children.values()) c.train(on);
        return this;
    }

    public final Module eval() { return train(false); }

    public final void freeze() { for (Parameter p : parameters()) p.setRequiresGrad(false); }

    public final void unfreeze() { for (Parameter p : parameters()) p.setRequiresGrad(true); }

    public final void zeroGrad() { for (Parameter p : parameters()) p.zeroGrad(); }

    /** Moves every parameter to {@code device} (F32 compute copies of trainable ones). */
    public final Module to(Device device) {
        for (Parameter p : parameters()) p.setValue(p.value().to(device));
        return this;
    }

    // ---------------------------------------------------------------- state dicts

    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((k, p) -> out.put(k, p.value()));
        return out;
    }

    /**
     * Assigns every parameter from {@code state}. With {@code strict}, any missing, unexpected or
     * mis-shaped key fails the whole load (all of them listed, nothing assigned); without it, matching keys
     * load and the rest is ignored (mis-shaped keys still fail). Trainable parameters get a writable F32
     * copy on their device; frozen ones keep the stored dtype (a mapped BF16 weight stays mapped on the host).
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict, String source) {
        Map<String, Parameter> own = namedParameters();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), misShaped = new ArrayList<>();
        for (var e : own.entrySet()) {
            Tensor t = state.get(e.getKey());
            if (t == null) missing.add(e.getKey());
            else if (!Arrays.equals(t.shape(), e.getValue().shape()))
                misShaped.add(e.getKey() + " (expected " + Shapes.str(e.getValue().shape()) + ", got " + Shapes.str(t.shape()) + ")");
        }
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        if (!misShaped.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty())))
            throw new StateDictException(source, missing, unexpected, misShaped);
        for (var e : own.entrySet()) {
            Tensor t = state.get(e.getKey());
            if (t == null) continue;
            Parameter p = e.getValue();
            Device device = p.value().device();
            if (p.requiresGrad()) {
                Tensor onDevice = t.to(device);
                p.setValue(device.isCpu() ? onDevice.backend().cast(onDevice, DType.F32) : onDevice.backend().contiguous(onDevice));
            } else {
                p.setValue(t.to(device));
            }
        }
    }

    public final void loadStateDict(Map<String, Tensor> state, boolean strict) { loadStateDict(state, strict, "(in memory)"); }

    /** Loads a safetensors file (memory-mapped; frozen weights stay mapped). */
    public final void load(Path file, boolean strict) {
        SafetensorsFile f = SafetensorsFile.open(file);
        loadStateDict(f.tensors(), strict, file.toString());
    }

    /** Writes every parameter to a safetensors file (atomically). */
    public final void save(Path file) {
        Map<String, Tensor> host = new LinkedHashMap<>();
        stateDict().forEach((k, t) -> host.put(k, t.toHost()));
        SafetensorsWriter.write(file, host);
    }
}
