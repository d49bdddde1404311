package org.efuf4j.models.tokenizer;

/**
 * Names of the special tokens as {@code tokenizer_config.json} gives them ({@code bos_token},
 * {@code eos_token}, {@code pad_token}, {@code unk_token}); a null name keeps the tokenizer's default.
 */
public record SpecialTokenNames(String bos, String eos, String pad, String unk) {

    public static final SpecialTokenNames DEFAULT = new SpecialTokenNames(null, null, null, null);
}
