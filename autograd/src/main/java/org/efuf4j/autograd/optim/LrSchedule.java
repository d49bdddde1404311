package org.efuf4j.autograd.optim;

/** Learning rate as a function of the step about to be taken (0-based). */
@FunctionalInterface
public interface LrSchedule {
    double lr(long step);

    static LrSchedule constant(double lr) { return s -> lr; }

    /** Linear warm-up from 0 to {@code peak} over {@code warmup} steps, then constant (HF {@code get_constant_schedule_with_warmup}). */
    static LrSchedule linearWarmup(double peak, long warmup) {
        return s -> warmup > 0 && s < warmup ? peak * s / warmup : peak;
    }

    /**
     * Linear warm-up then cosine decay to {@code floor} at {@code total} steps (HF
     * {@code get_cosine_schedule_with_warmup} with {@code floor = 0}); stays at {@code floor} afterwards.
     */
    static LrSchedule cosine(double peak, long warmup, long total, double floor) {
        return s -> {
            if (warmup > 0 && s < warmup) return peak * s / warmup;
            if (s >= total) return floor;
            double progress = (double) (s - warmup) / Math.max(1, total - warmup);
            return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }

    /** Sets the optimizer's rate for the step it is about to take. */
    default void apply(Optimizer opt) { opt.setLr(lr(opt.stepCount())); }
}
