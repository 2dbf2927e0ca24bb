package org.megaportraits.face.impl;

import java.util.concurrent.atomic.AtomicInteger;
import org.megaportraits.face.net.FaceApiPackage;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FaceAnalyzer service, backed by the pretrained face-api networks (see
 * {@link FaceApiPackage} for where they are looked up). Each session loads its own copy of the
 * networks onto its device and frees it when it closes; deactivating the component (a bundle
 * update or removal) leaves open sessions working until their jobs close them.
 */
@Component(service = FaceAnalyzer.class)
public final class FaceAnalyzerComponent implements FaceAnalyzer {

    private static final Logger LOG = LoggerFactory.getLogger(FaceAnalyzerComponent.class);

    private final AtomicInteger openSessions = new AtomicInteger();

    /**
     * {@inheritDoc}
     *
     * @throws org.megaportraits.sdk.ModelUnavailableException if the face-api package is not installed
     */
    @Override
    public Session open(ExecutionOptions options) {
        FaceApiPackage pkg = FaceApiPackage.locate();
        FaceSession session = new FaceSession(pkg, options, openSessions::decrementAndGet);
        LOG.info("face analyzer session on {} (face-api 1.7.15 weights from {}; {} open)", options.device(), pkg.root(),
                openSessions.incrementAndGet());
        return session;
    }

    @Deactivate
    void deactivate() {
        // sessions own their networks: open ones keep running until their jobs close them
        LOG.info("face analyzer deactivated with {} session(s) still open", openSessions.get());
    }
}
