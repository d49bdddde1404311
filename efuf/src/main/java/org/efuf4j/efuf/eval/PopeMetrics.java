package org.efuf4j.efuf.eval;

import java.util.List;

/**
 * POPE's binary metrics with "yes" as the positive class.
 *
 * @param yesRatio share of questions answered yes
 */
public record PopeMetrics(int truePositives, int falsePositives, int trueNegatives, int falseNegatives,
                          double accuracy, double precision, double recall, double f1, double yesRatio) {

    /** Metrics of predicted answers (true = yes) against the questions' true answers. */
    public static PopeMetrics of(List<PopeQuestion> questions, List<Boolean> predictedYes) {
        if (questions.size() != predictedYes.size()) {
            throw new IllegalArgumentException("POPE: " + questions.size() + " questions but " + predictedYes.size()
                    + " answers");
        }
        if (questions.isEmpty()) {
            throw new IllegalArgumentException("POPE: no questions to score");
        }
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < questions.size(); i++) {
            boolean label = questions.get(i).present();
            boolean yes = predictedYes.get(i);
            if (yes && label) tp++;
            else if (yes) fp++;
            else if (label) fn++;
            else tn++;
        }
        int total = questions.size();
        double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new PopeMetrics(tp, fp, tn, fn, (double) (tp + tn) / total, precision, recall, f1,
                (double) (tp + fp) / total);
    }

    /** Parses free-text answers with {@link PopeAnswers#saysYes} and scores them. */
    public static PopeMetrics ofAnswers(List<PopeQuestion> questions, List<String> answers) {
        return of(questions, answers.stream().map(PopeAnswers::saysYes).toList());
    }
}
