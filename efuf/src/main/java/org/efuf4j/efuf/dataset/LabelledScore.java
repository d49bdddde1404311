package org.efuf4j.efuf.dataset;

/** An object's score with a human or ground-truth verdict: is the object really in the image? */
public record LabelledScore(double score, boolean present) {}
