package org.megaportraits.face.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.megaportraits.sdk.ModelUnavailableException;

/**
 * Where the face-api package lies on disk, and the checked way to its weight files.
 *
 * <p>Looked up in this order: the system property {@value #PROPERTY} (the unpacked {@code package}
 * folder); {@code .cache/face-api/package} in the working directory or any of its parents (the
 * repository checkout, where {@code scripts/fetch-face-api.sh} puts it);
 * {@code ~/.cache/megaportraits/face-api/package}.
 */
public final class FaceApiPackage {

    /** System property naming the unpacked package folder. */
    public static final String PROPERTY = "portraits.faceapi.dir";

    /** What fetches the package. */
    public static final String FETCH_COMMAND = "scripts/fetch-face-api.sh (it runs npm pack @vladmandic/face-api@1.7.15)";

    /** sha256 of every weight shard this bundle reads, as published in face-api 1.7.15. */
    private static final Map<String, String> SHA256 = Map.of(
            "ssd_mobilenetv1_model.bin", "2835640602d53718aa6ae9a42896327eaa21beefed056c218d32ca7d79e1e2f8",
            "face_landmark_68_model.bin", "4611ef65c87d836d03d684b30eec4d195d8b219fa1dd58fc58945831c6b9299b",
            "face_recognition_model.bin", "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589");

    private final Path root;

    private FaceApiPackage(Path root) {
        this.root = root;
    }

    /** A package at a given folder (the one holding {@code model/}). */
    public static FaceApiPackage at(Path root) {
        if (!Files.isDirectory(root.resolve("model"))) {
            throw new ModelUnavailableException("face-api package not found at " + root.toAbsolutePath()
                    + " (no model/ folder there)", "run " + FETCH_COMMAND + ", or point -D" + PROPERTY
                    + " at the unpacked package folder");
        }
        return new FaceApiPackage(root);
    }

    /**
     * Finds the package (see the class comment for where it looks).
     *
     * @throws ModelUnavailableException naming the command that fetches it
     */
    public static FaceApiPackage locate() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return at(Paths.get(configured));
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(".cache/face-api/package");
            if (Files.isDirectory(candidate.resolve("model"))) {
                return new FaceApiPackage(candidate);
            }
        }
        Path home = Paths.get(System.getProperty("user.home"), ".cache/megaportraits/face-api/package");
        if (Files.isDirectory(home.resolve("model"))) {
            return new FaceApiPackage(home);
        }
        throw new ModelUnavailableException("the face networks (npm package @vladmandic/face-api 1.7.15) are not installed",
                "run " + FETCH_COMMAND + " in the repository, or set -D" + PROPERTY + " to the unpacked package folder");
    }

    /** The package folder. */
    public Path root() {
        return root;
    }

    /** A demo photo of the package ({@code sample1.jpg} .. {@code sample6.jpg}). */
    public Path demoPhoto(int index) {
        return root.resolve("demo/sample" + index + ".jpg");
    }

    /**
     * Reads the weights of one network ({@code ssd_mobilenetv1_model}, {@code face_landmark_68_model},
     * {@code face_recognition_model}), checking the shards' sha256.
     *
     * @throws ModelUnavailableException if a file is missing or damaged
     */
    public TfjsWeights weights(String model) {
        Path manifest = root.resolve("model/" + model + "-weights_manifest.json");
        return TfjsWeights.read(manifest, this::verified);
    }

    private Path verified(Path shard) {
        String expected = SHA256.get(shard.getFileName().toString());
        if (!Files.isRegularFile(shard)) {
            throw new ModelUnavailableException("weight file " + shard + " is missing", "run " + FETCH_COMMAND);
        }
        if (expected != null) {
            String actual = sha256(shard);
            if (!expected.equals(actual)) {
                throw new ModelUnavailableException("weight file " + shard + " is damaged (sha256 " + actual
                        + ", expected " + expected + ")", "delete " + root + " and run " + FETCH_COMMAND);
            }
        }
        return shard;
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new ModelUnavailableException("cannot read weight file " + file + ": " + e.getMessage(),
                    "check its permissions, or run " + FETCH_COMMAND, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
