package org.efuf4j.gpu.opencl;

import static org.jocl.CL.*;

import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device found on this machine; devices are numbered across all platforms in discovery
 * order, which is what {@code --device opencl:N} selects.
 */
public record OpenClDevice(int index, cl_platform_id platform, cl_device_id id, String name, String platformName,
                           String version, long globalMemory, long localMemory, int computeUnits, long maxWorkGroupSize) {

    static {
        CL.setExceptionsEnabled(true);
    }

    /** All devices of all platforms; empty when no OpenCL driver (ICD) is installed. */
    public static List<OpenClDevice> list() {
        List<OpenClDevice> out = new ArrayList<>();
        int[] count = new int[1];
        try {
            clGetPlatformIDs(0, null, count);
        } catch (CLException | UnsatisfiedLinkError e) {
            return out;
        }
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        clGetPlatformIDs(platforms.length, platforms, null);
        for (cl_platform_id p : platforms) {
            int[] nd = new int[1];
            try {
                clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, nd);
            } catch (CLException e) {
                continue; // a platform without devices
            }
            cl_device_id[] ids = new cl_device_id[nd[0]];
            clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, ids.length, ids, null);
            String pname = platformString(p, CL_PLATFORM_NAME);
            for (cl_device_id d : ids) {
                out.add(new OpenClDevice(out.size(), p, d, deviceString(d, CL_DEVICE_NAME), pname,
                        deviceString(d, CL_DEVICE_VERSION), deviceLong(d, CL_DEVICE_GLOBAL_MEM_SIZE),
                        deviceLong(d, CL_DEVICE_LOCAL_MEM_SIZE), (int) deviceInt(d, CL_DEVICE_MAX_COMPUTE_UNITS),
                        deviceSize(d, CL_DEVICE_MAX_WORK_GROUP_SIZE)));
            }
        }
        return out;
    }

    public static OpenClDevice select(int index) {
        List<OpenClDevice> all = list();
        if (all.isEmpty())
            throw new OpenClException("no OpenCL device found: install a vendor OpenCL driver, or ocl-icd-libopencl1 + pocl-opencl-icd for the CPU");
        if (index < 0 || index >= all.size())
            throw new OpenClException("OpenCL device " + index + " does not exist; found " + all.size() + ": " + all.stream().map(OpenClDevice::toString).toList());
        return all.get(index);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null);
        return new String(buf, 0, Math.max(0, buf.length - 1)).trim();
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(p, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null);
        return new String(buf, 0, Math.max(0, buf.length - 1)).trim();
    }

    private static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    private static long deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }

    private static long deviceSize(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    public boolean isCpu() { return name.toLowerCase(java.util.Locale.ROOT).contains("pthread") || platformName.contains("Portable Computing"); }

    @Override public String toString() {
        return "opencl:" + index + " " + name + " (" + platformName + ", " + version + ", " + computeUnits + " CUs, "
                + (globalMemory >> 20) + " MiB)";
    }
}
