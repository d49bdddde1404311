/** SigLIP's vision transformer: no class token, conv bias, tanh-GELU, {@code post_layernorm} on the last hidden state. */
package org.efuf4j.models.siglip;
