package org.efuf4j.efuf.eval;

import com.fasterxml.jackson.databind.JsonNode;

/** Image ids as text: COCO's integer ids and file-name style string ids compare the same way. */
final class ImageIds {
    private ImageIds() {}

    static String of(JsonNode node, String where) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw new IllegalArgumentException(where + ": missing image id");
        }
        if (node.isIntegralNumber()) {
            return Long.toString(node.asLong());
        }
        if (node.isTextual()) {
            return node.asText();
        }
        throw new IllegalArgumentException(where + ": image id must be an integer or a string, got " + node);
    }
}
