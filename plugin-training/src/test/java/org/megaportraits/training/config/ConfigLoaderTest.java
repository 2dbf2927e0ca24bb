package org.megaportraits.training.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.sdk.InvalidInputException;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreThePapersValues() {
        Stage1Config c = ConfigLoader.load(null);
        assertEquals(20, c.losses().vgg());
        assertEquals(4, c.losses().identity());
        assertEquals(5, c.losses().gaze());
        assertEquals(1, c.losses().adversarial());
        assertEquals(40, c.losses().featureMatching());
        assertEquals(2, c.losses().cycle());
        assertEquals(5, c.losses().cycleScale());
        assertEquals(0.2, c.losses().cycleMargin());
        assertEquals(2e-4, c.optimizer().generator().start());
        assertEquals(1e-6, c.optimizer().generator().end());
        assertEquals(4e-6, c.optimizer().discriminator().end());
        assertEquals(0.5, c.optimizer().beta1());
        assertEquals(1e-2, c.optimizer().weightDecay());
        assertEquals(2, c.discriminator().scales());
        assertNull(c.networks().vgg19());
    }

    @Test
    void aUserFileOverridesSingleNestedFields() throws Exception {
        Path f = dir.resolve("c.json");
        Files.writeString(f, "{\"steps\": 50, \"losses\": {\"cycle\": 0}, \"data\": {\"augmentation\": {\"expressionWarp\": \"elastic\"}}}");
        Stage1Config c = ConfigLoader.load(f);
        assertEquals(50, c.steps());
        assertEquals(0, c.losses().cycle());
        assertEquals(20, c.losses().vgg());
        assertEquals("elastic", c.data().augmentation().expressionWarp());
        assertEquals(128, c.data().augmentation().expressionSize());
    }

    @Test
    void misspeltFieldsAndBadValuesAreClearErrors() throws Exception {
        Path f = dir.resolve("c.json");
        Files.writeString(f, "{\"losses\": {\"vggg\": 3}}");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ConfigLoader.load(f));
        assertTrue(e.getMessage().contains("vggg"), e.getMessage());
        Files.writeString(f, "{\"data\": {\"faces\": \"sometimes\"}}");
        e = assertThrows(InvalidInputException.class, () -> ConfigLoader.load(f));
        assertTrue(e.getMessage().contains("data.faces"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> ConfigLoader.load(dir.resolve("missing.json")));
    }
}
