package org.efuf4j.efuf.objects;

/** A word of a caption: its lowercase text and its character span [start, end) in the caption. */
public record Token(String text, int start, int end) {}
