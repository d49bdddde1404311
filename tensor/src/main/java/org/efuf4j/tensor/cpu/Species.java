package org.efuf4j.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width every CPU kernel works in: the JVM's preferred float species (512 bits where the CPU has
 * AVX-512, 256 on AVX2 hosts or under {@code -XX:UseAVX=2}), or the width the system property {@value #PROPERTY}
 * names (128, 256 or 512). The property lets one host test every kernel path: the Vector API runs a species wider
 * than the CPU's in Java, slowly but with the same arithmetic.
 */
final class Species {
    private Species() {}

    static final String PROPERTY = "efuf4j.vectorBits";

    static final VectorSpecies<Float> F = choose(System.getProperty(PROPERTY));
    static final int LANES = F.length();

    static VectorSpecies<Float> choose(String bits) {
        if (bits == null || bits.isBlank()) {
            int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
            return preferred >= 512 ? FloatVector.SPECIES_512 : preferred >= 256 ? FloatVector.SPECIES_256 : FloatVector.SPECIES_128;
        }
        return switch (bits.trim()) {
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException("system property " + PROPERTY + " must be 128, 256 or 512 (bits of a vector), not '" + bits + "'");
        };
    }

    /** The species of {@code type} elements whose vectors are {@code bits} wide. */
    static <E> VectorSpecies<E> of(Class<E> type, int bits) {
        return VectorSpecies.of(type, VectorShape.forBitSize(bits));
    }
}
