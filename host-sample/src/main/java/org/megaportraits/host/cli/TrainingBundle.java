package org.megaportraits.host.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.megaportraits.host.osgi.PortraitsHost;
import org.megaportraits.host.osgi.ServiceLease;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.training.Stage;
import org.megaportraits.sdk.training.TrainingService;

/** What train and eval share: their STAGE argument and the training bundle's service. */
final class TrainingBundle {

    private TrainingBundle() {
    }

    /** The training service of the host's bundles, or an error saying which bundle to install. */
    static ServiceLease<TrainingService> lease(PortraitsHost host) {
        return host.leases().require(TrainingService.class, "training", "plugin-training", host.bundleFolder().folder());
    }

    /** The STAGE argument. */
    static Stage parseStage(String text) {
        for (Stage s : Stage.values()) {
            if (s.name().equalsIgnoreCase(text.trim())) {
                return s;
            }
        }
        throw new InvalidInputException("unknown stage '" + text + "'", "use one of "
                + Arrays.stream(Stage.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
