/**
 * The text side of EFUF's dataset formation: clause splitting, D+/D-/Ds selection from scored
 * mentions, thresholds and their calibration, and the score histogram of the paper's Figure 2.
 */
package org.efuf4j.efuf.dataset;
