package org.megaportraits.host.osgi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The packages the host exports to bundles, as written into the host jar at build time by
 * {@link SystemPackagesScan}: the value of {@code org.osgi.framework.system.packages.extra}.
 */
final class SystemPackages {

    private static final String RESOURCE = "system-packages.txt";

    private SystemPackages() {
    }

    /** The packages, one {@code name;version="x"} clause each. */
    static List<String> clauses() {
        InputStream in = SystemPackages.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException(RESOURCE + " is missing from the host's class path: the host was not built by"
                    + " Maven (mvn -pl host-sample package writes it)");
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The clauses joined for the framework property. */
    static String property() {
        return String.join(",", clauses());
    }
}
