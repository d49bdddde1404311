package org.efuf4j.tensor;

/** Where a tensor's storage lives: {@code cpu}, or a device such as {@code opencl:0}. */
public record Device(String kind, int index) {
    public static final Device CPU = new Device("cpu", 0);

    public boolean isCpu() { return kind.equals("cpu"); }

    /** Parses {@code cpu}, {@code opencl} or {@code opencl:N}. */
    public static Device parse(String spec) {
        String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
        int colon = s.indexOf(':');
        if (colon < 0) return s.equals("cpu") ? CPU : new Device(s, 0);
        try {
            return new Device(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("device '" + spec + "': expected KIND or KIND:INDEX, e.g. cpu or opencl:0");
        }
    }

    @Override public String toString() { return isCpu() ? "cpu" : kind + ":" + index; }
}
