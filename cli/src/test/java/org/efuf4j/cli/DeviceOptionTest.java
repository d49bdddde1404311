package org.efuf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.efuf4j.tensor.Device;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The shared {@code --device} option: its parser, its fallbacks and that every command takes it the same way. */
class DeviceOptionTest {
    private static final Device OPENCL0 = new Device("opencl", 0);

    @Test
    void parsesTheKindsAndIndices() {
        assertSame(Device.CPU, DeviceOption.parse("cpu", "--device"));
        assertEquals(OPENCL0, DeviceOption.parse("opencl", "--device"));
        assertEquals(new Device("opencl", 2), DeviceOption.parse(" OpenCL:2 ", "--device"));
        assertEquals(new Device("ref64", 0), DeviceOption.parse("ref64", "--device"));
    }

    @Test
    void badValuesNameTheSourceAndTheValue() {
        for (String bad : List.of("opencl:x", "opencl:-1", "", ":1", "open cl")) {
            var e = assertThrows(IllegalArgumentException.class, () -> DeviceOption.parse(bad, "--device"), bad);
            assertTrue(e.getMessage().startsWith("--device: device '" + bad + "'"), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> DeviceOption.parse("cuda:1", DeviceOption.ENVIRONMENT));
        assertTrue(e.getMessage().startsWith("EFUF_DEVICE: device 'cuda:1': no backend of kind 'cuda'"), e.getMessage());
        assertTrue(e.getMessage().contains("kinds here: cpu, "), e.getMessage());
    }

    @Test
    void theOptionWinsOverTheEnvironmentWhichWinsOverTheCommandsDefault() {
        assertEquals(Device.CPU, DeviceOption.resolve("cpu", "opencl:1", OPENCL0));
        assertEquals(new Device("opencl", 1), DeviceOption.resolve(null, "opencl:1", Device.CPU));
        assertEquals(OPENCL0, DeviceOption.resolve(null, null, OPENCL0));
        assertEquals(Device.CPU, DeviceOption.resolve(null, " ", Device.CPU));
        assertThrows(IllegalArgumentException.class, () -> DeviceOption.resolve(null, "gpu", Device.CPU));
    }

    @Test
    void everyCommandThatTakesADeviceTakesTheSharedOption() {
        List<String> takers = new ArrayList<>();
        for (CommandLine sub : new CommandLine(new EfufCommand()).getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            OptionSpec device = spec.findOption("--device");
            if (device == null) continue;
            takers.add(spec.name());
            assertEquals(Device.class, device.type(), spec.name());
            assertTrue(spec.mixins().values().stream().anyMatch(m -> m.userObject() instanceof DeviceOption), spec.name() + " declares its own --device");
        }
        assertEquals(List.of("gpu-check", "forward", "caption", "clip-score", "form-dataset", "unlearn", "evaluate", "run", "demo"), takers);
    }

    @Test
    void aBadDeviceIsAUsageErrorBeforeAnythingRuns() {
        ChairCommandTest.Run r = ChairCommandTest.efuf("forward", "--model", "no-such-dir", "--device", "opencl:one");
        assertEquals(2, r.rc(), r.err());
        assertTrue(r.err().contains("Invalid value for option '--device': --device: device 'opencl:one': expected KIND or KIND:INDEX"), r.err());
        assertFalse(r.err().contains("no-such-dir"), r.err());
    }

    @Test
    void theCommandGetsTheParsedDevice() {
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs("--device", "opencl:3");
        assertEquals(new Device("opencl", 3), demo.device.device());
        GpuCheckCommand check = new GpuCheckCommand();
        new CommandLine(check).parseArgs("--device", "cpu");
        assertEquals(Device.CPU, check.device.orElse(GpuCheck.DEFAULT_DEVICE));
    }
}
