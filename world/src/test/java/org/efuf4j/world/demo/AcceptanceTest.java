package org.efuf4j.world.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.efuf4j.efuf.io.Json;
import org.junit.jupiter.api.Test;

class AcceptanceTest {
    /** Base CHAIR_s 0.5; EFUF 0.4, 0.45 and 0.35 on three seeds: drops 0.2, 0.1, 0.3. */
    @Test void criteriaCarryTheSeedMeanEachSeedAndTheirSpread() {
        ObjectNode metrics = Json.MAPPER.createObjectNode();
        metrics.putObject(Demo.BASE).put("chair_s", 0.5).put("bleu_1", 70.0);
        ArrayNode seeds = metrics.putArray("seeds");
        double[] efuf = {0.4, 0.45, 0.35}, bleu = {69.5, 68.0, 70.5};
        for (int k = 0; k < 3; k++)
            seeds.addObject().putObject("variants").putObject("efuf").put("chair_s", efuf[k]).put("bleu_1", bleu[k]);
        metrics.set("summary", Summary.of(metrics));
        ArrayNode acceptance = Acceptance.evaluate(metrics);

        JsonNode chairS = acceptance.get(0);
        assertEquals(0.2, chairS.path("value").asDouble(), 1e-12);
        assertEquals(3, chairS.path("per_seed").size());
        double[] drops = {0.2, 0.1, 0.3};
        for (int k = 0; k < 3; k++) assertEquals(drops[k], chairS.path("per_seed").get(k).asDouble(), 1e-12);
        assertEquals(0.1, chairS.path("spread").asDouble(), 1e-12); // sample std of 0.2, 0.1, 0.3
        assertEquals(2, chairS.path("seeds_holding").asInt());
        assertTrue(chairS.path("holds").asBoolean());
        assertTrue(chairS.path("text").asText().contains("+/- 0.1000 over 3 seeds"), chairS.path("text").asText());

        JsonNode bleu1 = acceptance.get(2); // mean change -0.6667: holds; seed 2 alone (-2) does not
        assertEquals(-2.0 / 3, bleu1.path("value").asDouble(), 1e-9);
        assertEquals(2, bleu1.path("seeds_holding").asInt());
        assertTrue(bleu1.path("holds").asBoolean());

        JsonNode ciI = acceptance.get(1); // CHAIR_i missing everywhere: undefined, does not hold
        assertTrue(ciI.path("value").isNull());
        assertFalse(ciI.path("holds").asBoolean());
    }
}
