package org.megaportraits.host.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.megaportraits.host.osgi.PortraitsHost;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Lists the installed bundles with their state and the SDK services each registers. */
@Command(name = "bundles", mixinStandardHelpOptions = true,
        description = "Start the host on the bundle folder and list the bundles: id, state, name, version, "
                + "the SDK services each provides, and the jar it came from.")
final class BundlesCommand implements Callable<Integer> {

    private static final String SDK = "org.megaportraits.sdk.";

    @Mixin
    private HostOptions host;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (PortraitsHost h = host.start()) {
            Map<Long, String> problems = h.bundleFolder().problems();
            Map<Long, Path> files = new HashMap<>();
            h.bundleFolder().bundles().forEach((file, b) -> files.put(b.getBundleId(), file));
            out.printf("bundle folder: %s%n", h.bundleFolder().folder());
            out.printf("%-3s %-9s %-30s %-20s %-30s %s%n", "ID", "STATE", "BUNDLE", "VERSION", "SDK SERVICES", "FILE");
            for (Bundle b : h.bundles()) {
                Path file = files.get(b.getBundleId());
                out.printf("%-3d %-9s %-30s %-20s %-30s %s%n", b.getBundleId(), state(b), b.getSymbolicName(), b.getVersion(),
                        sdkServices(b), file == null ? "" : file.getFileName());
            }
            problems.forEach((id, why) -> out.printf("bundle %d did not start: %s%n", id, why));
        }
        return 0;
    }

    private static String sdkServices(Bundle b) {
        TreeSet<String> names = new TreeSet<>();
        ServiceReference<?>[] refs = b.getRegisteredServices();
        if (refs != null) {
            for (ServiceReference<?> r : refs) {
                for (String type : (String[]) r.getProperty(Constants.OBJECTCLASS)) {
                    if (type.startsWith(SDK)) {
                        names.add(type.substring(type.lastIndexOf('.') + 1));
                    }
                }
            }
        }
        return names.isEmpty() ? "-" : String.join(",", names);
    }

    private static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "UNINSTALLED";
        };
    }
}
