package org.efuf4j.efuf.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SingularizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "knives, knife", "mice, mouse", "people, person", "children, child", "women, woman", "men, man",
            "policemen, policeman", "skis, ski", "glasses, glass", "buses, bus", "benches, bench", "sheep, sheep",
            "oxen, ox", "geese, goose", "ponies, pony", "puppies, puppy", "collies, collie", "ties, tie",
            "toothbrushes, toothbrush", "sandwiches, sandwich", "boxes, box", "giraffes, giraffe", "horses, horse",
            "vases, vase", "suitcases, suitcase", "microwaves, microwave", "stoves, stove", "canoes, canoe",
            "potatoes, potato", "taxis, taxi", "dogs, dog", "donuts, donut", "pizzas, pizza",
            "scissors, scissors", "tennis, tennis", "bus, bus", "glass, glass", "octopus, octopus",
            "broccoli, broccoli", "cattle, cattle", "specimen, specimen", "shelves, shelf", "hot-dogs, hot-dog",
            "a, a", "is, is", "niches, niche"})
    void singularizesCaptionNouns(String plural, String singular) {
        assertEquals(singular, Singularizer.singularize(plural));
    }
}
