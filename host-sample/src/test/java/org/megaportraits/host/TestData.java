package org.megaportraits.host;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Where the tests find real inputs: the built bundle folder and the face-api demo photos. */
public final class TestData {

    private TestData() {
    }

    /** target/bundles as the build lays it out: SCR and its utilities, and the five plugin bundles. */
    public static Path builtBundles() {
        Path dir = Path.of("target", "bundles").toAbsolutePath();
        if (!Files.isDirectory(dir)) {
            fail(dir + " is missing: build with mvn (generate-resources copies the bundles there)");
        }
        return dir;
    }

    /** Copies the jars of the built bundle folder whose names pass the filter into a folder. */
    public static Path copyBundles(Path to, Predicate<String> names) {
        try {
            Files.createDirectories(to);
            try (Stream<Path> jars = Files.list(builtBundles())) {
                for (Path jar : jars.filter(p -> names.test(p.getFileName().toString())).toList()) {
                    Files.copy(jar, to.resolve(jar.getFileName()));
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True for the framework bundles SCR needs (SCR, the DS API, promise, function). */
    public static boolean isFrameworkBundle(String jarName) {
        return jarName.startsWith("org.apache.felix.scr") || jarName.startsWith("org.osgi.");
    }

    /**
     * A real photo: sampleN.jpg of the face-api package that scripts/fetch-face-api.sh unpacks into
     * .cache/face-api (or -Dportraits.faceapi.dir).
     */
    public static Path photo(int n) {
        String configured = System.getProperty("portraits.faceapi.dir");
        Path pkg = configured != null ? Path.of(configured) : repoRoot().resolve(".cache/face-api/package");
        Path photo = pkg.resolve("demo/sample" + n + ".jpg");
        if (!Files.isRegularFile(photo)) {
            fail(photo + " is missing: run scripts/fetch-face-api.sh first (it fetches the face-api package with npm)");
        }
        return photo;
    }

    /** The jar (or classes folder) a class was loaded from. */
    public static Path codeOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve(".git")) && !Files.isRegularFile(dir.resolve(".git"))) {
            dir = dir.getParent();
        }
        return dir != null ? dir : Path.of("..").toAbsolutePath();
    }
}
