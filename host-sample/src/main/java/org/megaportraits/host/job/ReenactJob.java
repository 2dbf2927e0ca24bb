package org.megaportraits.host.job;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.megaportraits.host.osgi.ServiceLease;
import org.megaportraits.host.osgi.ServiceLeases;
import org.megaportraits.host.video.DecodedVideo;
import org.megaportraits.host.video.DiscardingSink;
import org.megaportraits.host.video.FrameSink;
import org.megaportraits.host.video.FrameSource;
import org.megaportraits.host.video.Progress;
import org.megaportraits.host.video.VideoPipeline;
import org.megaportraits.host.video.VideoReader;
import org.megaportraits.host.video.VideoWriter;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.ModelUnavailableException;
import org.megaportraits.sdk.background.Compositor;
import org.megaportraits.sdk.enhance.Enhancer;
import org.megaportraits.sdk.face.AlignedFaces;
import org.megaportraits.sdk.face.CropTransform;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.face.FaceTracker;
import org.megaportraits.sdk.image.ImageBatch;
import org.megaportraits.sdk.image.RgbImage;
import org.megaportraits.sdk.reenact.Avatar;
import org.megaportraits.sdk.reenact.DrivingOptions;
import org.megaportraits.sdk.reenact.Motion;
import org.megaportraits.sdk.reenact.ReenactmentModel;
import org.osgi.framework.Bundle;

/**
 * Reenacts a portrait with a driver video through SDK services only. The source is encoded once:
 * face detection, an aligned crop at the model's resolution, its matte, {@code encodeAvatar}. Then
 * per batch of driver frames: tracked aligned crops, motion, render, the render composited by its
 * matte on the driver crop's background plate, optional enhancement, and paste-back into the full
 * driver frame. The tracker's two steps (face search; landmarks and crops), the model and the
 * compositing run side by side on batches in turn, each stage some batches ahead of the next, and
 * decoding and encoding beside them ({@link VideoPipeline}); audio is kept.
 * Start-up overlaps too: the model's session opens and the avatar is encoded on a thread of their
 * own ({@link ModelStart}) while the face networks open, the source is cropped and matted, and the
 * first driver frames are tracked.
 * <p>
 * The job leases every service before it starts and holds the leases to the end, so a bundle
 * replaced meanwhile serves this job to its last frame and the next job gets the new one.
 */
public final class ReenactJob {

    /** System property: threads of the model stage, 1 or 2 (default: 2 on a GPU, 1 on the CPU). */
    public static final String MODEL_THREADS_PROPERTY = "portraits.job.modelThreads";

    /**
     * System property: threads of the compositing stage, 1 or 2 (default: 2 on a GPU, 1 on the CPU);
     * one where the compositor's or the enhancer's session takes one call at a time.
     */
    public static final String FINISH_THREADS_PROPERTY = "portraits.job.finishThreads";

    private final ServiceLeases leases;
    private final Path bundleFolder;

    /**
     * @param leases       where services come from
     * @param bundleFolder named in the error when a bundle is missing
     */
    public ReenactJob(ServiceLeases leases, Path bundleFolder) {
        this.leases = leases;
        this.bundleFolder = bundleFolder;
    }

    /**
     * Runs the job and writes the output only when it is complete.
     *
     * @throws InvalidInputException      for unreadable inputs, a source without a face, a bad output path
     * @throws ModelUnavailableException  if a bundle the job needs is not installed
     */
    public ReenactReport run(ReenactRequest request, Progress progress) {
        return run(request, progress, VideoIo.FILES);
    }

    /**
     * Runs the job with its video read and written as {@code videoIo} says: {@link VideoIo#FILES} as
     * {@link #run(ReenactRequest, Progress)}; {@link VideoIo#IN_MEMORY} decodes the driver completely
     * before the job's clock starts and drops the result frames (nothing is written), for measuring
     * the job without video I/O.
     */
    public ReenactReport run(ReenactRequest request, Progress progress, VideoIo videoIo) {
        int modelThreads = threads(MODEL_THREADS_PROPERTY, request.options());
        int finishThreads = threads(FINISH_THREADS_PROPERTY, request.options());
        DecodedVideo decoded = videoIo == VideoIo.IN_MEMORY ? DecodedVideo.readAll(request.driver()) : null;
        long start = System.nanoTime();
        StageTimes times = new StageTimes(start);
        RgbImage source = timed(times, "start: open videos", () -> VideoReader.readStill(request.source()));
        // all missing bundles are reported before any model is activated (which may load weights)
        requireProvided(ReenactmentModel.class, "base model", "plugin-base-model");
        requireProvided(FaceAnalyzer.class, "face analysis", "plugin-background");
        requireProvided(Compositor.class, "compositing", "plugin-background");
        if (request.enhance()) {
            requireProvided(Enhancer.class, "enhancer", "plugin-enhancer");
        }
        try (FrameSource driver = decoded != null ? decoded : timed(times, "start: open videos", () -> VideoReader.open(request.driver()));
             ServiceLease<ReenactmentModel> model = timed(times, "start: services",
                     () -> require(ReenactmentModel.class, "base model", "plugin-base-model"));
             ServiceLease<FaceAnalyzer> faces = timed(times, "start: services",
                     () -> require(FaceAnalyzer.class, "face analysis", "plugin-background"));
             ServiceLease<Compositor> compositor = timed(times, "start: services",
                     () -> require(Compositor.class, "compositing", "plugin-background"));
             ServiceLease<Enhancer> enhancer = request.enhance() ? timed(times, "start: services",
                     () -> require(Enhancer.class, "enhancer", "plugin-enhancer")) : null;
             // the model's session opens on a thread of its own while this one opens the face networks
             // and prepares the source; the avatar is encoded there while this one tracks the first frames
             // (the descriptor is read first: the service answers nothing else while it loads weights)
             ModelStart m = new ModelStart(model.service().descriptor().resolution(),
                     () -> timed(times, "start: model", () -> model.service().open(request.options())));
             FaceAnalyzer.Session f = timed(times, "start: face networks", () -> faces.service().open(request.options()));
             Compositor.Session c = timed(times, "start: compositor", () -> compositor.service().open(request.options()));
             Enhancer.Session e = enhancer == null ? null
                     : timed(times, "start: enhancer", () -> enhancer.service().open(request.options()));
             Driving driving = new Driving(request, m)) {
            int resolution = m.resolution();
            m.encode(prepare(source, request.source(), resolution, f, c, times),
                    (session, prepared) -> timed(times, "start: source avatar", () -> encode(session, prepared, resolution)));
            try (FaceTracker tracker = f.track(resolution);
                 FrameSink writer = decoded != null ? new DiscardingSink(driver.info().width(), driver.info().height())
                         : timed(times, "start: output", () -> VideoWriter.create(request.output(), driver.info().width(),
                                 driver.info().height(), driver.info().frameRate(), driver.info().audio(),
                                 driver.info().expectedFrames()))) {
                Stages stages = new Stages(tracker, m, driving, e, c, times);
                // two compositing threads only where every session they call takes concurrent calls
                int compositing = c.acceptsConcurrentCalls() && (e == null || e.acceptsConcurrentCalls()) ? finishThreads : 1;
                VideoPipeline.Result io = VideoPipeline.run(driver, writer, request.options().batchSize(), stages::search, List.of(
                        VideoPipeline.Stage.<Searched>of(stages::complete, Searched::close),
                        VideoPipeline.Stage.<Tracked>of(stages::middle, stages::discardFirst, modelThreads),
                        VideoPipeline.Stage.<Rendered>of(stages::last, stages::discardMiddle, compositing)), progress);
                long frames = io.frames();
                long end = System.nanoTime();
                double steady = stages.firstBatchDone == 0 || frames <= stages.firstBatchFrames ? 0
                        : (frames - stages.firstBatchFrames) / ((end - stages.firstBatchDone) / 1e9);
                double firstOutput = stages.firstBatchDone == 0 ? 0 : (stages.firstBatchDone - start) / 1e9;
                return new ReenactReport(frames, tracker.framesWithoutFace(), (end - start) / 1e9,
                        providers(model, faces, compositor, enhancer), times.seconds(), times.firstRuns(), firstOutput, steady,
                        times.steadySeconds(), io);
            }
        }
    }

    /**
     * The job's model stage alone, to set the job against in one host: the source is encoded as
     * {@link #run} encodes it and the driver's first batch is tracked once; then that batch's motion is
     * extracted and rendered {@code batches} times, with nothing else on the device, as the job's
     * model stage does it: on one thread, or with {@code threads} 2 on two threads that take batches
     * in turn (each call waits for its own work only, so one thread's batch is queued while the
     * other's finishes; with a session that takes one call at a time, they call it in turn). Returns frames/s from the end of the first render (which waits for the
     * device) to the device finishing the last, the span the job's steady rate covers.
     *
     * @throws InvalidInputException if {@code batches} is less than 2, {@code threads} is not 1 or 2,
     *                               or the driver has no frame or no face in its first batch
     */
    public double modelStageFramesPerSecond(ReenactRequest request, int batches, int threads) {
        if (batches < 2) {
            throw new InvalidInputException(batches + " batches for the model stage alone", "give at least 2");
        }
        if (threads != 1 && threads != 2) {
            throw new InvalidInputException(threads + " threads for the model stage alone", "give 1 or 2");
        }
        RgbImage source = VideoReader.readStill(request.source());
        StageTimes times = new StageTimes(System.nanoTime());
        try (ServiceLease<ReenactmentModel> model = require(ReenactmentModel.class, "base model", "plugin-base-model");
             ServiceLease<FaceAnalyzer> faces = require(FaceAnalyzer.class, "face analysis", "plugin-background");
             ServiceLease<Compositor> compositor = require(Compositor.class, "compositing", "plugin-background");
             ModelStart m = new ModelStart(model.service().descriptor().resolution(), () -> model.service().open(request.options()));
             FaceAnalyzer.Session f = faces.service().open(request.options());
             Compositor.Session c = compositor.service().open(request.options());
             Driving driving = new Driving(request, m)) {
            int resolution = m.resolution();
            m.encode(prepare(source, request.source(), resolution, f, c, times), (session, prepared) -> encode(session, prepared, resolution));
            List<RgbImage> frames = firstFrames(request.driver(), request.options().batchSize());
            try (FaceTracker tracker = f.track(resolution);
                 AlignedFaces aligned = tracker.next(frames)) {
                if (tracker.framesWithoutFace() == frames.size()) {
                    throw new InvalidInputException("no face in the first " + frames.size() + " frames of " + request.driver(),
                            "measure the model with a driver whose first frames show a face");
                }
                ReenactmentModel.Session session = m.session();
                DrivingOptions options;
                // the first render waits for the device; relative motion takes its reference from it
                try (Motion motion = session.extractMotion(aligned.crops(), aligned.poses())) {
                    options = driving.options(motion);
                    session.render(driving.avatar(), motion, options).close();
                }
                long start = System.nanoTime();
                AtomicInteger left = new AtomicInteger(batches - 1);
                ModelCalls calls = new ModelCalls();
                Runnable renders = () -> {
                    while (left.getAndDecrement() > 0) {
                        try {
                            calls.run(session, () -> {
                                try (Motion motion = session.extractMotion(aligned.crops(), aligned.poses())) {
                                    session.render(driving.avatar(), motion, options).close();
                                }
                                return null;
                            });
                        } catch (RuntimeException | Error x) {
                            left.set(0);    // the other thread stops too
                            throw x;
                        }
                    }
                };
                if (threads == 1) {
                    renders.run();
                } else {
                    CompletableFuture<Void> other = CompletableFuture.runAsync(renders, r -> new Thread(r, "model-stage-alone").start());
                    try {
                        renders.run();
                    } finally {
                        // the session closes after this: the other thread must have stopped using it
                        other.exceptionally(x -> null).join();
                    }
                    other.join();
                }
                return (batches - 1) * (double) frames.size() / ((System.nanoTime() - start) / 1e9);
            }
        }
    }

    /** Up to {@code n} first video frames of a driver. */
    private static List<RgbImage> firstFrames(Path driver, int n) {
        List<RgbImage> frames = new ArrayList<>(n);
        try (VideoReader reader = VideoReader.open(driver)) {
            for (Object o = reader.next(); o != null && frames.size() < n; o = reader.next()) {
                if (o instanceof RgbImage image) {
                    frames.add(image);
                }
            }
        }
        if (frames.isEmpty()) {
            throw new InvalidInputException("the driver " + driver + " has no video frame", "give a video with frames");
        }
        return frames;
    }

    /**
     * Threads of the job's model or compositing stage ({@link #MODEL_THREADS_PROPERTY}, {@link
     * #FINISH_THREADS_PROPERTY}): on a GPU two, so that one batch's work is queued while the batch
     * before finishes (each service call waits for its own work). The model's stream would
     * otherwise run dry between batches: on an H100 at batch 32 the model stage alone ran at 439-445
     * frames/s against 391-406 on one thread, with twice the model's activation memory in use. The
     * compositing waits for its small kernels behind the model's large ones about half its time; on
     * two threads one batch's wait overlaps the other's work. One thread each on the CPU. The system
     * property (1 or 2) overrides it, e.g. for a GPU short of memory.
     */
    static int threads(String property, ExecutionOptions options) {
        String set = System.getProperty(property);
        if (set == null || set.isBlank()) {
            return options.isGpu() ? 2 : 1;
        }
        try {
            int n = Integer.parseInt(set.trim());
            if (n == 1 || n == 2) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException("-D" + property + "=" + set, "set it to 1 or 2");
    }

    /** Runs a start-up step and adds its time to the stage of that name. */
    private static <T> T timed(StageTimes times, String stage, java.util.function.Supplier<T> step) {
        long t = System.nanoTime();
        T result = step.get();
        times.add(stage, t);
        return result;
    }

    /** The source's largest face, aligned at the model's resolution, with its matte. */
    private static ModelStart.PreparedSource prepare(RgbImage source, Path file, int resolution, FaceAnalyzer.Session f,
                                                     Compositor.Session c, StageTimes times) {
        List<Face> found = timed(times, "start: source face", () -> f.detect(source));
        if (found.isEmpty()) {
            throw new InvalidInputException("no face found in the source " + file,
                    "use a photo where the face is clearly visible, frontal-ish and at least about 100 pixels tall");
        }
        AlignedFaces aligned = timed(times, "start: source crop", () -> f.align(List.of(source), List.of(found.get(0)), resolution));
        try {
            // the landmarks just found seed the matte: the compositor need not look for the face again
            return new ModelStart.PreparedSource(aligned, timed(times, "start: source matte",
                    () -> c.matte(aligned.crops(), aligned.cropLandmarks())));
        } catch (RuntimeException | Error x) {
            aligned.close();
            throw x;
        }
    }

    /** Encodes a prepared source, masked by its matte, into an avatar. */
    private static Avatar encode(ReenactmentModel.Session m, ModelStart.PreparedSource source, int resolution) {
        if (m.resolution() != resolution) {
            throw new ModelUnavailableException("the base model's session renders " + m.resolution() + " px but its descriptor says "
                    + resolution + " px", "the model folder is inconsistent: export or download the model again");
        }
        return m.encodeAvatar(source.aligned().crops(), source.aligned().poses().get(0), source.matte());
    }

    /** A batch whose faces were searched, handed from the search to the tracking's second step, with the batch's place. */
    private record Searched(long batch, FaceTracker.Search search) {
        void close() {
            search.close();
        }
    }

    /** A batch's tracked crops, handed from the tracking to the model's stage, with the batch's place in the video. */
    private record Tracked(long batch, AlignedFaces aligned) {
    }

    /** A batch's tracked crops and renders, handed from the model's stage to the compositing, with the batch's place. */
    private record Rendered(long batch, AlignedFaces aligned, ImageBatch render) {
        void close() {
            render.close();
            aligned.close();
        }
    }

    /**
     * Calls into the model's session from the model stage's threads: straight through where the
     * session accepts concurrent calls, else one at a time (the threads then only take turns).
     */
    private static final class ModelCalls {
        <T> T run(ReenactmentModel.Session session, java.util.function.Supplier<T> call) {
            if (session.acceptsConcurrentCalls()) {
                return call.get();
            }
            synchronized (this) {
                return call.get();
            }
        }
    }

    /**
     * One batch of driver frames in, as many reenacted full frames out, in four overlapping stages,
     * each on threads of its own and behind the one before: the face search (upload and detection)
     * on the job's thread; landmarks, framing and crops (the tracker's second step) on the next;
     * motion and render on the next one or two, and mattes, plate, composite, enhancer and paste-back
     * on the one or two after (see {@link #threads}). Each stage waits for the device only where it must read a result
     * back, so one stage's host work (non-maximum suppression, pose fits, engine calls) runs while the
     * device works on another's batch. The render is composited on the background plate at the
     * model's resolution, before the enhancer: the plate and the mattes exist at that size only, and
     * compositing takes images of one size.
     */
    private static final class Stages {
        private final FaceTracker tracker;
        private final ModelStart m;
        private final Driving driving;
        private final Enhancer.Session e;
        private final Compositor.Session c;
        private final StageTimes times;
        /** When the first batch's output was ready (0 before), and its frames: for the steady rate. */
        private volatile long firstBatchDone;
        private volatile int firstBatchFrames;
        private final ModelCalls modelCalls = new ModelCalls();
        /** Open once the first batch's model stage has run: later batches' renders wait for it (see middle). */
        private final CountDownLatch firstRender = new CountDownLatch(1);
        /** Batches that entered the face search (it runs on one thread). */
        private int firstStages;

        Stages(FaceTracker tracker, ModelStart m, Driving driving, Enhancer.Session e,
               Compositor.Session c, StageTimes times) {
            this.tracker = tracker;
            this.m = m;
            this.driving = driving;
            this.e = e;
            this.c = c;
            this.times = times;
        }

        Searched search(List<RgbImage> frames) {
            long batch = firstStages++;
            long t = System.nanoTime();
            FaceTracker.Search search = tracker.search(frames);
            times.add("face search", t, batch == 0);
            return new Searched(batch, search);
        }

        Tracked complete(List<RgbImage> frames, Searched searched) {
            long t = System.nanoTime();
            AlignedFaces aligned = tracker.complete(searched.search());
            times.add("face landmarks and crops", t, searched.batch() == 0);
            return new Tracked(searched.batch(), aligned);
        }

        Rendered middle(List<RgbImage> frames, Tracked tracked) {
            AlignedFaces aligned = tracked.aligned();
            boolean firstBatch = tracked.batch() == 0;
            try {
                if (!firstBatch) {
                    // relative motion takes its reference from the first batch, and the first render
                    // warms the session's caches: with two model threads the second batch waits for it
                    firstRender.await();
                }
                long t = System.nanoTime();
                // the first batch may wait here for the session and the avatar (see ModelStart)
                ReenactmentModel.Session session = m.session();
                ImageBatch render = modelCalls.run(session, () -> {
                    try (Motion motion = session.extractMotion(aligned.crops(), aligned.poses())) {
                        return session.render(driving.avatar(), motion, driving.options(motion));
                    }
                });
                times.add("model", t, firstBatch);
                return new Rendered(tracked.batch(), aligned, render);
            } catch (InterruptedException x) {
                aligned.close();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", x);
            } catch (RuntimeException | Error x) {
                aligned.close();
                throw x;
            } finally {
                if (firstBatch) {
                    // also when it failed: nothing may wait for it then (the pipeline is stopping)
                    firstRender.countDown();
                }
            }
        }

        void discardFirst(Tracked tracked) {
            tracked.aligned().close();
        }

        List<RgbImage> last(List<RgbImage> frames, Rendered r) {
            boolean firstBatch = r.batch() == 0;
            try {
                long t = System.nanoTime();
                // the tracker's landmarks seed the driver crops' mattes; with the driver's framing and
                // absolute motion the render's head sits where the driver's does, so they seed its matte too
                List<double[]> landmarks = r.aligned().cropLandmarks();
                // both mattes in one call: the compositor may do them in one pass
                List<ImageBatch> mattes = c.mattes(List.of(r.render(), r.aligned().crops()),
                        Arrays.asList(driving.rendersInDriverPlace() ? landmarks : null, landmarks));
                try (ImageBatch renderMatte = mattes.get(0);
                     ImageBatch driverMatte = mattes.get(1)) {
                    t = times.add("mattes", t, firstBatch);
                    try (ImageBatch plate = c.backgroundPlate(r.aligned().crops(), driverMatte)) {
                        t = times.add("background plate", t, firstBatch);
                        try (ImageBatch composed = c.composite(r.render(), renderMatte, plate);
                             ImageBatch enhanced = e == null ? null : e.enhance(composed)) {
                            t = times.add(e == null ? "composite" : "composite and enhance", t, firstBatch);
                            ImageBatch result = enhanced == null ? composed : enhanced;
                            List<CropTransform> transforms = new ArrayList<>(r.aligned().transforms().size());
                            for (CropTransform ct : r.aligned().transforms()) {
                                transforms.add(ct.forCropSize(result.width()));
                            }
                            List<RgbImage> out = c.pasteBack(result, frames, transforms);
                            times.add("paste-back", t, firstBatch);
                            if (firstBatch) {
                                firstBatchFrames = out.size();
                                firstBatchDone = System.nanoTime();
                            }
                            return out;
                        }
                    }
                }
            } finally {
                r.close();
            }
        }

        void discardMiddle(Rendered r) {
            r.close();
        }
    }

    private void requireProvided(Class<?> type, String what, String module) {
        if (!leases.isProvided(type)) {
            throw leases.unavailable(type, what, module, bundleFolder);
        }
    }

    private <S> ServiceLease<S> require(Class<S> type, String what, String module) {
        return leases.require(type, what, module, bundleFolder);
    }

    private static String providers(ServiceLease<?>... leases) {
        Set<String> names = new LinkedHashSet<>();
        for (ServiceLease<?> l : leases) {
            if (l != null) {
                Bundle b = l.provider();
                names.add(b.getSymbolicName() + " " + b.getVersion());
            }
        }
        return String.join(", ", names);
    }

    /**
     * The avatar and how driver motion applies to it. Relative motion needs the driver's first
     * frame as reference, which only exists once the first batch arrived; it is kept to the end.
     */
    private static final class Driving implements AutoCloseable {

        private final ReenactRequest request;
        private final ModelStart start;
        private Motion reference;

        Driving(ReenactRequest request, ModelStart start) {
            this.request = request;
            this.start = start;
        }

        /** The source's avatar (the first call may wait for its encoding). */
        Avatar avatar() {
            return start.avatar();
        }

        /** Whether rendered heads take the driver's place in its crop (absolute motion, driver framing). */
        boolean rendersInDriverPlace() {
            return request.mode() == DrivingOptions.Mode.ABSOLUTE && request.framing() == DrivingOptions.Framing.DRIVER;
        }

        DrivingOptions options(Motion batch) {
            if (request.mode() == DrivingOptions.Mode.RELATIVE && reference == null) {
                reference = batch.frame(0);
            }
            return new DrivingOptions(request.framing(), request.mode(), reference);
        }

        @Override
        public void close() {
            if (reference != null) {
                reference.close();
            }
        }
    }
}
