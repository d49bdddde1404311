package org.efuf4j.efuf.pipeline;

import java.util.List;

import org.efuf4j.models.image.RgbImage;

/** S(o): how strongly an image supports each object, as CLIP cosine x 100 (EFUF's image relevance score). */
public interface ObjectScorer {
    /** One score per object, in order; NaN where the object could not be scored. */
    float[] score(RgbImage image, List<String> objects);
}
