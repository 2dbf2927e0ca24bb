package org.megaportraits.host.osgi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Build step (run by Maven in process-classes): lists every package of the host's class-path jars
 * with its version, one {@code name;version="x"} a line, for Felix's
 * {@code org.osgi.framework.system.packages.extra}, which takes no wildcards. A package's version
 * comes from the jar's OSGi {@code Export-Package} where it has one (Jackson, slf4j, JavaCPP, the
 * SDK API), else from the jar's Maven version (DJL, JavaCV presets).
 * <p>
 * Felix's own jar is left out (the system bundle exports its packages already), and so is picocli,
 * which only the command line uses.
 */
public final class SystemPackagesScan {

    private static final List<String> HOST_ONLY = List.of("org.apache.felix.framework-", "picocli-");

    private SystemPackagesScan() {
    }

    /** Arguments: the folder of class-path jars, the file to write. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: SystemPackagesScan <jar folder> <output file>");
        }
        Map<String, Set<String>> packages = new TreeMap<>();
        try (Stream<Path> jars = Files.list(Path.of(args[0]))) {
            for (Path jar : jars.filter(SystemPackagesScan::exported).sorted().toList()) {
                scan(jar, packages);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("# generated at build time from the host's class-path jars: package;version\n");
        packages.forEach((name, versions) -> versions.forEach(
                version -> out.append(name).append(";version=\"").append(version).append("\"\n")));
        Path file = Path.of(args[1]);
        Files.createDirectories(file.getParent());
        Files.writeString(file, out, StandardCharsets.UTF_8);
        System.out.println("system packages: " + packages.size() + " written to " + file);
    }

    private static boolean exported(Path jar) {
        String name = jar.getFileName().toString();
        return name.endsWith(".jar") && HOST_ONLY.stream().noneMatch(name::startsWith);
    }

    /**
     * Adds the packages holding classes in one jar; the first jar to name a package wins (as on the
     * class path). A jar may export a package in several versions (slf4j 2 also as 1.7): all are kept.
     */
    static void scan(Path jar, Map<String, Set<String>> packages) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            Map<String, Set<String>> declared = exportedVersions(manifest);
            List<String> names = file.stream()
                    .map(JarEntry::getName)
                    .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/") && n.indexOf('/') > 0)
                    .map(n -> n.substring(0, n.lastIndexOf('/')).replace('/', '.'))
                    .distinct()
                    .toList();
            String fallback = null;
            for (String p : names) {
                Set<String> versions = declared.get(p);
                if (versions == null) {
                    // only jars with classes need a version: native-library jars (PyTorch) have none
                    fallback = fallback != null ? fallback : osgiVersion(mavenVersion(file, manifest, jar));
                    versions = Set.of(fallback);
                }
                packages.putIfAbsent(p, new TreeSet<>(versions));
            }
        }
    }

    /** Package versions from an OSGi Export-Package header; empty for a plain jar. */
    static Map<String, Set<String>> exportedVersions(Manifest manifest) {
        Map<String, Set<String>> versions = new TreeMap<>();
        String header = manifest == null ? null : manifest.getMainAttributes().getValue("Export-Package");
        if (header == null) {
            return versions;
        }
        for (String clause : split(header, ',')) {
            List<String> names = new ArrayList<>();
            String version = "0.0.0";
            for (String part : split(clause, ';')) {
                String p = part.trim();
                if (p.startsWith("version=")) {
                    version = p.substring("version=".length()).replace("\"", "").trim();
                } else if (!p.contains("=")) {
                    names.add(p);
                }
            }
            for (String n : names) {
                versions.computeIfAbsent(n, k -> new TreeSet<>()).add(version);
            }
        }
        return versions;
    }

    /** Splits a manifest header at a separator outside double quotes. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    private static String mavenVersion(JarFile file, Manifest manifest, Path jar) throws IOException {
        JarEntry props = file.stream()
                .filter(e -> e.getName().startsWith("META-INF/maven/") && e.getName().endsWith("/pom.properties"))
                .findFirst().orElse(null);
        if (props != null) {
            Properties p = new Properties();
            try (InputStream in = file.getInputStream(props)) {
                p.load(in);
            }
            if (p.getProperty("version") != null) {
                return p.getProperty("version");
            }
        }
        if (manifest != null) {
            for (String key : List.of("Bundle-Version", "Implementation-Version", "Specification-Version")) {
                String v = manifest.getMainAttributes().getValue(new Attributes.Name(key));
                if (v != null) {
                    return v;
                }
            }
        }
        throw new IOException("no version found for " + jar + ": neither pom.properties nor a version header");
    }

    /**
     * A Maven version as an OSGi version: up to three numbers, the rest as qualifier with
     * characters a qualifier may not hold replaced ({@code 2.7.1-0.36.0} becomes {@code 2.7.1.0_36_0}).
     */
    static String osgiVersion(String maven) {
        String[] head = maven.split("[.\\-]", -1);
        int[] numbers = new int[3];
        int used = 0;
        while (used < 3 && used < head.length && head[used].matches("\\d+")) {
            numbers[used] = Integer.parseInt(head[used]);
            used++;
        }
        String version = numbers[0] + "." + numbers[1] + "." + numbers[2];
        int consumed = 0;
        for (int i = 0; i < used; i++) {
            consumed += head[i].length() + 1;
        }
        String qualifier = consumed >= maven.length() ? "" : maven.substring(consumed).replaceAll("[^A-Za-z0-9_\\-]", "_");
        return qualifier.isEmpty() ? version : version + "." + qualifier;
    }
}
