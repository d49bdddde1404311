package org.efuf4j.cli;

import org.efuf4j.tensor.Backends;
import org.efuf4j.tensor.Device;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The one {@code --device} option of every command that runs on a device: {@code cpu}, {@code opencl} or
 * {@code opencl:N}; without it {@code $EFUF_DEVICE}, else the command's own default (cpu; {@code gpu-check}:
 * opencl:0). A kind no backend serves is refused while parsing, before any model is loaded.
 */
final class DeviceOption {
    static final String ENVIRONMENT = "EFUF_DEVICE";

    @Option(names = "--device", paramLabel = "DEVICE", converter = Converter.class,
            description = "cpu, opencl or opencl:N (default: $" + ENVIRONMENT + ", now ${env:" + ENVIRONMENT + ":-unset}; else cpu, for gpu-check opencl:0)")
    private Device chosen;

    @Spec(Spec.Target.MIXEE) private CommandSpec command;

    /** The chosen device, else {@code $EFUF_DEVICE}, else the CPU. */
    Device device() { return orElse(Device.CPU); }

    Device orElse(Device fallback) {
        if (chosen != null) return chosen;
        try {
            return resolve(null, System.getenv(ENVIRONMENT), fallback);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage());
        }
    }

    /**
     * The device named by {@code --device} ({@code option}, may be null), else by {@code $EFUF_DEVICE}
     * ({@code environment}, may be null or blank), else {@code fallback}; the one parser behind the option, also
     * used by the GPU check's picocli-free entry point.
     */
    static Device resolve(String option, String environment, Device fallback) {
        if (option != null) return parse(option, "--device");
        if (environment != null && !environment.isBlank()) return parse(environment, ENVIRONMENT);
        return fallback;
    }

    static Device parse(String spec, String source) {
        Device d;
        try {
            d = Device.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage());
        }
        var kinds = Backends.kinds();
        if (!kinds.contains(d.kind()))
            throw new IllegalArgumentException(source + ": device '" + spec + "': no backend of kind '" + d.kind()
                    + "'; expected cpu, opencl or opencl:N (kinds here: " + String.join(", ", kinds) + ")");
        return d;
    }

    static final class Converter implements ITypeConverter<Device> {
        @Override public Device convert(String value) {
            try {
                return parse(value, "--device");
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
