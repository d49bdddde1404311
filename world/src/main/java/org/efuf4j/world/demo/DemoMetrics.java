package org.efuf4j.world.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import org.efuf4j.efuf.dataset.SampleSelector;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.train.SampleDraws;
import org.efuf4j.efuf.train.ValidationStopping;
import org.efuf4j.tensor.io.AtomicFiles;
import org.efuf4j.world.models.WorldModels;

/**
 * Everything one demo run measured, the one type {@link Demo} writes to {@code metrics.json} and {@link Acceptance}
 * and the report read. Undefined figures (a metric with nothing to count) are NaN here and {@code null} in the file.
 *
 * @param summary    per model key ({@link Variant#models()}), each figure over the seeds
 * @param acceptance the acceptance criteria per schedule of EFUF (the model keys {@link Variant#EFUF} and
 *                   {@link Variant#EFUF_STOPPED}), each list in the order
 * @param schedule   the schedule the demo reports as its result: the one that holds more criteria (the paper's on a tie)
 * @param ablationOrder the paper's Table 3 statements, each checked on this run
 */
public record DemoMetrics(RunSettings settings, WorldFacts world, BaseModels baseModels, ModelEvaluation base, List<SeedRun> seeds,
                          Map<String, Summary.ModelSummary> summary, Map<String, List<Acceptance.Criterion>> acceptance, String schedule,
                          List<Acceptance.Criterion> ablationOrder, List<GalleryItem> gallery, Timings timings) {

    /** The unlearning knobs of one row: the demo's default or the paper's. */
    public record Unlearning(double lr, double lambda1, double lambda2, String trainable, double negativeCap) {}

    /**
     * @param popeImages       held-out images POPE asks about (0: all)
     * @param ablationSeeds    seeds (the first ones) that also run the ablations and controls; EFUF runs on every seed
     * @param validationImages validation-split images the validation schedule captions at each measurement
     * @param validationEvery  steps between its measurements
     * @param recallLimit      largest fall of validation recall (a fraction) the validation schedule accepts
     * @param validationPasses passes over D- the validation schedule may run in all (the paper's schedule runs one)
     * @param repeats          what became of clauses repeating an object of their caption
     * @param separatorInTarget clause targets opened with their separator (", a dog")
     * @param negativeEndsAtObject negative clause targets ending with their object (", a dog" of ", a dog on the left")
     */
    public record RunSettings(boolean quick, int seeds, int ablationSeeds, String device, String world, String scorer, String captioner,
                              int popeImages, int formationImages, double calibrationShare, double targetPrecision, SampleSelector.Repeats repeats, boolean separatorInTarget,
                              boolean negativeEndsAtObject,
                              Unlearning demo, Unlearning paper,
                              int validationImages, int validationEvery, double recallLimit, int validationPasses) {}

    public record WorldFacts(String hash, int trainImages, int valImages, int evalImages, int categories, double captionHallucinationRate,
                             double descriptionHallucinationRate, double descriptionPositionRate, double trainingCaptionHallucinationRate,
                             double trainingMentionHallucinationRate, double trainingDescriptionHallucinationRate) {}

    /** One quality gate of the base models: what it requires, what was measured, whether it holds. */
    public record Gate(String name, String measured, boolean holds) {}

    public record BaseModels(boolean cached, boolean shipped, WorldModels.Metrics metrics, List<Gate> gates) {
        public List<Gate> failing() { return gates.stream().filter(g -> !g.holds()).toList(); }
    }

    public record Thresholds(double t0, double t1, double t2) {}

    /** Sizes of a formed dataset: D+, D-, Ds, and how they split into training and validation samples. */
    public record SetCounts(int positive, int negative, int sentence, int train, int validation) {}

    /**
     * @param oracleDataset the same captions and thresholds, every mention labelled by the world's truth
     * @param objects       how the scorer labelled each object's mentions (null in runs written before they were kept)
     */
    public record Formation(int images, int labelledImages, int mentions, Thresholds thresholds, String thresholdSource, SetCounts dataset,
                            SetCounts vanillaDataset, SetCounts oracleDataset, ScoreDistribution.Figures scores, double scorerAuc,
                            List<ObjectLabels> objects) {}

    /**
     * @param steps         steps taken (the paper's schedule: one pass over D-)
     * @param stoppedAtStep the validation schedule's chosen step (0: the starting model), -1 without validation
     * @param validation    the validation measurements along the run (empty without validation)
     * @param draws         per set the run trains on ("positive", "negative", "sentence"): its size, draws and distinct
     *                      samples drawn (a pass draws as many positives as negatives, so a larger D+ is only partly seen)
     */
    public record Training(String status, long steps, double seconds, List<Double> loss, long stoppedAtStep,
                           List<ValidationStopping.Point> validation, Map<String, SampleDraws.Use> draws) {
        public boolean trained() { return status.equals("trained"); }
    }

    /** @param evaluation null when the run could not be trained; stopped null without validation */
    public record VariantRun(Training training, ModelEvaluation evaluation, ModelEvaluation stopped) {}

    /** @param variants by variant key, in {@link Variant#ALL} order (the variants this seed ran) */
    public record SeedRun(int seed, Formation formation, Map<String, VariantRun> variants) {
        /** The evaluation of a model key on this seed (a variant or its stopped model); null where there is none. */
        public ModelEvaluation evaluation(String model) {
            for (var e : variants.entrySet()) {
                if (e.getKey().equals(model)) return e.getValue().evaluation();
                if ((e.getKey() + Variant.STOPPED).equals(model)) return e.getValue().stopped();
            }
            return null;
        }
    }

    public record Span(int start, int end, String object) {}

    public record Caption(String text, List<Span> hallucinated) {}

    /** @param captions by model key: the base and EFUF under the reported schedule */
    public record GalleryItem(String image, String thumbnail, List<String> objects, Map<String, Caption> captions) {}

    public record Timings(double worldS, double baseModelsS, double formationS, double unlearningS, double evaluationS, double totalS,
                          int evaluations, int evalImages) {}

    /** The acceptance of the reported schedule. */
    public List<Acceptance.Criterion> reportedAcceptance() {
        return acceptance.getOrDefault(schedule, List.of());
    }

    /** Every evaluation of a model key, seed by seed (the base: its one evaluation). */
    public List<ModelEvaluation> evaluations(String model) {
        return evaluations(base, seeds, model);
    }

    static List<ModelEvaluation> evaluations(ModelEvaluation base, List<SeedRun> seeds, String model) {
        if (model.equals(Variant.BASE)) return base == null ? List.of() : List.of(base);
        List<ModelEvaluation> out = new ArrayList<>();
        for (SeedRun s : seeds) {
            ModelEvaluation e = s.evaluation(model);
            if (e != null) out.add(e);
        }
        return out;
    }

    /** The summary over seeds of every model key that has an evaluation. */
    public static Map<String, Summary.ModelSummary> summarise(ModelEvaluation base, List<SeedRun> seeds) {
        Map<String, Summary.ModelSummary> out = new LinkedHashMap<>();
        for (String model : Variant.models()) {
            List<ModelEvaluation> runs = evaluations(base, seeds, model);
            if (!runs.isEmpty()) out.put(model, Summary.of(runs));
        }
        return out;
    }

    /** The mapper of metrics.json: indented, NaN written as null and read back as NaN. */
    public static final ObjectMapper MAPPER = mapper();

    public void write(Path file) {
        AtomicFiles.write(file, o -> MAPPER.writeValue(o, this));
    }

    public static DemoMetrics read(Path file) {
        try {
            return MAPPER.readValue(file.toFile(), DemoMetrics.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the demo's metrics " + file + ": " + e.getMessage(), e);
        }
    }

    private static ObjectMapper mapper() {
        SimpleModule nan = new SimpleModule("undefined figures as null");
        StdSerializer<Double> ser = new StdSerializer<>(Double.class) {
            @Override public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                if (v == null || !Double.isFinite(v)) g.writeNull();
                else g.writeNumber(v);
            }
        };
        StdDeserializer<Double> deser = new StdDeserializer<>(Double.class) {
            @Override public Double deserialize(JsonParser p, DeserializationContext c) throws IOException {
                if (p.currentToken() == JsonToken.VALUE_NUMBER_INT || p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) return p.getDoubleValue();
                if (p.currentToken() == JsonToken.VALUE_STRING && p.getText().equals("NaN")) return Double.NaN;
                return (Double) c.handleUnexpectedToken(Double.class, p);
            }

            @Override public Double getNullValue(DeserializationContext c) { return Double.NaN; }
        };
        nan.addSerializer(Double.class, ser);
        nan.addSerializer(double.class, ser);
        nan.addDeserializer(Double.class, deser);
        nan.addDeserializer(double.class, deser);
        return Json.MAPPER.copy().registerModule(nan).enable(SerializationFeature.INDENT_OUTPUT);
    }
}
