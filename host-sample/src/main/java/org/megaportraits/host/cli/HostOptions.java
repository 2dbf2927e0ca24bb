package org.megaportraits.host.cli;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import org.megaportraits.host.osgi.PortraitsHost;
import picocli.CommandLine.Option;

/** Options of the commands that start the OSGi host. */
final class HostOptions {

    @Option(names = "--bundles", paramLabel = "DIR",
            description = "The bundle folder, watched while the host runs (default: bundles/ beside portraits.jar: ${DEFAULT-VALUE}).")
    Path bundles = defaultBundleFolder();

    @Option(names = "--poll-ms", paramLabel = "MS", description = "How often the bundle folder is looked at (default: ${DEFAULT-VALUE}).")
    long pollMillis = 1000;

    /** Read before parsing (logging is configured before any class logs); declared so picocli accepts it. */
    @Option(names = {"-v", "--verbose"}, description = "Log what the host and the bundles do.")
    boolean verbose;

    /** Starts the host on the folder. */
    PortraitsHost start() {
        return PortraitsHost.start(bundles, Duration.ofMillis(pollMillis));
    }

    /** bundles/ beside the jar (or the classes folder) the host runs from: target/bundles after a build. */
    static Path defaultBundleFolder() {
        try {
            Path code = Path.of(HostOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.toAbsolutePath().getParent().resolve("bundles");
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Path.of("bundles");
        }
    }
}
