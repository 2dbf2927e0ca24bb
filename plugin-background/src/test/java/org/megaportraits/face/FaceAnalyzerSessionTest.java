package org.megaportraits.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.megaportraits.face.impl.FaceAnalyzerComponent;
import org.megaportraits.face.net.FaceApiPackage;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.ModelUnavailableException;
import org.megaportraits.sdk.face.AlignedFaces;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.image.RgbImage;

/** Session life cycle: pinned across deactivation, clear errors for missing weights and bad input. */
class FaceAnalyzerSessionTest {

    @Test
    void anOpenSessionKeepsWorkingAfterTheComponentIsDeactivated() throws Exception {
        FaceAnalyzerComponent component = new FaceAnalyzerComponent();
        RgbImage photo = TestPhotos.sample(1);
        try (FaceAnalyzer.Session session = component.open(ExecutionOptions.CPU)) {
            Method deactivate = FaceAnalyzerComponent.class.getDeclaredMethod("deactivate");
            deactivate.setAccessible(true);
            deactivate.invoke(component);
            assertEquals(3, session.detect(photo).size());
            try (AlignedFaces a = session.align(List.of(photo), List.of(session.detect(photo).get(0)), 64)) {
                assertEquals(64, a.crops().width());
            }
        }
    }

    @Test
    void aClosedSessionRefusesWork() {
        FaceAnalyzer.Session session = new FaceAnalyzerComponent().open(ExecutionOptions.CPU);
        session.close();
        assertThrows(IllegalStateException.class, () -> session.detect(RgbImage.black(64, 64)));
    }

    @Test
    void noFaceGivesAnEmptyListAndBadCropSizesAreRejected() {
        try (FaceAnalyzer.Session session = new FaceAnalyzerComponent().open(ExecutionOptions.CPU)) {
            assertTrue(session.detect(RgbImage.black(320, 240)).isEmpty());
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> session.track(3));
            assertTrue(e.remedy().contains("16 to 4096"));
        }
    }

    @Test
    void missingWeightsFailOpenWithTheFetchCommand() {
        String old = System.getProperty(FaceApiPackage.PROPERTY);
        System.setProperty(FaceApiPackage.PROPERTY, "/nonexistent/face-api/package");
        try {
            ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                    () -> new FaceAnalyzerComponent().open(ExecutionOptions.CPU));
            assertTrue(e.remedy().contains("scripts/fetch-face-api.sh"), e.remedy());
        } finally {
            if (old == null) {
                System.clearProperty(FaceApiPackage.PROPERTY);
            } else {
                System.setProperty(FaceApiPackage.PROPERTY, old);
            }
        }
    }
}
