/**
 * Object vocabulary and mention extraction: which COCO objects a caption names and where.
 * {@link org.efuf4j.efuf.objects.ObjectVocabulary#coco()} is the project's own vocabulary; a CHAIR
 * synonym list loads with {@link org.efuf4j.efuf.objects.ObjectVocabulary#fromChairSynonyms}.
 */
package org.efuf4j.efuf.objects;
