/**
 * The embedded synthetic world: seeded, deterministic images of six scene types with 37 COCO
 * categories, exact ground truth (boxes, visible area, occlusion), reference captions, training
 * captions with a controlled rate of absent-but-co-occurring mentions, and yes/no questions,
 * written as COCO-style files so CHAIR and POPE run on it exactly as on COCO. Entry points:
 * {@link org.efuf4j.world.WorldConfig}, {@link org.efuf4j.world.World#generate} and
 * {@link org.efuf4j.world.World#writeTo}.
 */
package org.efuf4j.world;
