package org.megaportraits.training.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.image.RgbImage;

/**
 * A data folder: every video file in it is one identity; every sub-folder of images is one
 * identity (a video's frames, in name order); every image file directly in it is one still
 * identity. Entries are sorted by name so that sampling is reproducible. Videos are probed when the
 * folder is opened, so a damaged file is reported before training starts.
 */
public final class FolderSource implements FrameSource {

    private static final List<String> VIDEO = List.of(".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v");
    private static final List<String> IMAGE = List.of(".jpg", ".jpeg", ".png", ".bmp");

    private record Entry(Path path, List<Path> frameFiles, int frames, boolean video) {
    }

    private final Path folder;
    private final List<Entry> entries;
    /** Open videos kept per thread (FFmpeg's grabber is not thread-safe); the least recently used is closed. */
    private static final int OPEN_VIDEOS_PER_THREAD = 8;
    private final Map<Thread, Map<Integer, VideoReader>> readers = new ConcurrentHashMap<>();

    private FolderSource(Path folder, List<Entry> entries) {
        this.folder = folder;
        this.entries = entries;
    }

    /**
     * Scans a folder.
     *
     * @throws InvalidInputException if the folder is missing, holds nothing usable, or a video is damaged
     */
    public static FolderSource open(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new InvalidInputException("data folder " + folder + " does not exist",
                    "pass a folder of videos (one identity each), frame folders or images");
        }
        List<Path> children;
        try (Stream<Path> s = Files.list(folder)) {
            children = s.sorted().toList();
        } catch (IOException e) {
            throw new InvalidInputException("cannot list data folder " + folder + ": " + e.getMessage(),
                    "check its permissions", e);
        }
        List<Entry> entries = new ArrayList<>();
        for (Path p : children) {
            String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
            if (n.startsWith(".")) {
                continue;
            }
            if (Files.isDirectory(p)) {
                List<Path> frames = images(p);
                if (!frames.isEmpty()) {
                    entries.add(new Entry(p, frames, frames.size(), false));
                }
            } else if (VIDEO.stream().anyMatch(n::endsWith)) {
                try (VideoReader r = new VideoReader(p)) {
                    entries.add(new Entry(p, List.of(), r.frames(), true));
                }
            } else if (IMAGE.stream().anyMatch(n::endsWith)) {
                entries.add(new Entry(p, List.of(p), 1, false));
            }
        }
        if (entries.isEmpty()) {
            throw new InvalidInputException("data folder " + folder + " holds no videos, frame folders or images",
                    "put one video per identity (" + String.join(", ", VIDEO) + "), folders of frames, or images ("
                            + String.join(", ", IMAGE) + ") in it");
        }
        return new FolderSource(folder, List.copyOf(entries));
    }

    private static List<Path> images(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> IMAGE.stream().anyMatch(f.getFileName().toString().toLowerCase(Locale.ROOT)::endsWith))
                    .sorted().toList();
        } catch (IOException e) {
            throw new InvalidInputException("cannot list frame folder " + dir + ": " + e.getMessage(),
                    "check its permissions", e);
        }
    }

    /** The folder scanned. */
    public Path folder() {
        return folder;
    }

    @Override
    public int identities() {
        return entries.size();
    }

    @Override
    public String name(int identity) {
        return entries.get(identity).path.getFileName().toString();
    }

    @Override
    public int frames(int identity) {
        return entries.get(identity).frames;
    }

    @Override
    public RgbImage frame(int identity, int index) {
        Entry e = entries.get(identity);
        if (!e.video) {
            return readImage(e.frameFiles.get(index));
        }
        Map<Integer, VideoReader> mine = readers.computeIfAbsent(Thread.currentThread(), t -> openVideos());
        synchronized (mine) {
            VideoReader r = mine.get(identity);
            if (r == null) {
                r = new VideoReader(e.path);
                mine.put(identity, r);
            }
            return r.frame(index);
        }
    }

    /**
     * Reads an image file as RGB.
     *
     * @throws InvalidInputException if it is not a readable image
     */
    public static RgbImage readImage(Path file) {
        BufferedImage im;
        try {
            im = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new InvalidInputException("cannot read image " + file + ": " + e.getMessage(),
                    "check that it is a complete JPEG, PNG or BMP file", e);
        }
        if (im == null) {
            throw new InvalidInputException("no image decoder for " + file, "convert it to JPEG or PNG");
        }
        int w = im.getWidth();
        int h = im.getHeight();
        int[] argb = im.getRGB(0, 0, w, h, null, 0, w);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            rgb[3 * i] = (byte) (argb[i] >> 16);
            rgb[3 * i + 1] = (byte) (argb[i] >> 8);
            rgb[3 * i + 2] = (byte) argb[i];
        }
        return new RgbImage(w, h, rgb);
    }

    private static Map<Integer, VideoReader> openVideos() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, VideoReader> eldest) {
                if (size() > OPEN_VIDEOS_PER_THREAD) {
                    eldest.getValue().close();
                    return true;
                }
                return false;
            }
        };
    }

    @Override
    public void close() {
        for (Map<Integer, VideoReader> m : readers.values()) {
            synchronized (m) {
                m.values().forEach(VideoReader::close);
            }
        }
        readers.clear();
    }

    /** Names of all identities, in order. */
    public List<String> names() {
        List<String> n = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            n.add(name(i));
        }
        return Collections.unmodifiableList(n);
    }
}
