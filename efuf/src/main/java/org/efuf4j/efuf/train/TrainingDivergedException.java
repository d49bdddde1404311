package org.efuf4j.efuf.train;

/** Training stopped because a loss ran away (gradient ascent diverging) or became NaN; the message says why and what to try. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) { super(message); }
}
