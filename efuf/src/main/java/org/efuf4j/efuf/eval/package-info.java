/**
 * Evaluation that needs no neural network: CHAIR against COCO-style ground truth, corpus BLEU,
 * POPE question building and answer scoring, and side-effect metrics over captions.
 */
package org.efuf4j.efuf.eval;
