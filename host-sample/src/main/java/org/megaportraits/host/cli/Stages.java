package org.megaportraits.host.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.training.Stage;

/** The STAGE argument of train and eval. */
final class Stages {

    private Stages() {
    }

    static Stage parse(String text) {
        for (Stage s : Stage.values()) {
            if (s.name().equalsIgnoreCase(text.trim())) {
                return s;
            }
        }
        throw new InvalidInputException("unknown stage '" + text + "'", "use one of "
                + Arrays.stream(Stage.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
