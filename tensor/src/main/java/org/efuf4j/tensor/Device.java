package org.efuf4j.tensor;

/** Where a tensor's storage lives: {@code cpu}, or a device such as {@code opencl:0}. */
public record Device(String kind, int index) {
    public static final Device CPU = new Device("cpu", 0);

    public boolean isCpu() { return kind.equals("cpu"); }

    /**
     * Parses {@code KIND} or {@code KIND:N} ({@code cpu}, {@code opencl}, {@code opencl:1}); the kind is lower-cased,
     * a missing index is 0. Whether a backend of that kind exists is {@link Backends#kinds()}'s question.
     */
    public static Device parse(String spec) {
        String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
        int colon = s.indexOf(':');
        String kind = colon < 0 ? s : s.substring(0, colon);
        int index = 0;
        if (colon >= 0) {
            try {
                index = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                index = -1;
            }
        }
        if (kind.isEmpty() || !kind.chars().allMatch(Character::isLetterOrDigit) || index < 0)
            throw new IllegalArgumentException("device '" + spec + "': expected KIND or KIND:INDEX with INDEX >= 0, e.g. cpu or opencl:0");
        return kind.equals("cpu") && index == 0 ? CPU : new Device(kind, index);
    }

    @Override public String toString() { return isCpu() ? "cpu" : kind + ":" + index; }
}
