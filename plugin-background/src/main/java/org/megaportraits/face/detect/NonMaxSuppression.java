package org.megaportraits.face.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** Greedy non-maximum suppression over scored boxes (top, left, bottom, right). */
final class NonMaxSuppression {

    private NonMaxSuppression() {
    }

    /** Indices of the boxes kept, best first: above {@code minScore}, overlapping no better box by more than {@code maxIou}. */
    static List<Integer> select(float[] boxes, float[] scores, double minScore, double maxIou, int maxResults) {
        List<Integer> candidates = new ArrayList<>(IntStream.range(0, scores.length).filter(i -> scores[i] > minScore)
                .boxed().toList());
        candidates.sort(Comparator.comparingDouble(i -> -scores[i]));
        List<Integer> kept = new ArrayList<>();
        for (int i : candidates) {
            if (kept.size() >= maxResults) {
                break;
            }
            boolean suppressed = false;
            for (int j : kept) {
                if (iou(boxes, i, j) > maxIou) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(i);
            }
        }
        return kept;
    }

    static double iou(float[] b, int i, int j) {
        double areaI = area(b, i);
        double areaJ = area(b, j);
        if (areaI <= 0 || areaJ <= 0) {
            return 0;
        }
        double top = Math.max(Math.min(b[4 * i], b[4 * i + 2]), Math.min(b[4 * j], b[4 * j + 2]));
        double left = Math.max(Math.min(b[4 * i + 1], b[4 * i + 3]), Math.min(b[4 * j + 1], b[4 * j + 3]));
        double bottom = Math.min(Math.max(b[4 * i], b[4 * i + 2]), Math.max(b[4 * j], b[4 * j + 2]));
        double right = Math.min(Math.max(b[4 * i + 1], b[4 * i + 3]), Math.max(b[4 * j + 1], b[4 * j + 3]));
        double inter = Math.max(bottom - top, 0) * Math.max(right - left, 0);
        return inter / (areaI + areaJ - inter);
    }

    private static double area(float[] b, int i) {
        return Math.abs(b[4 * i + 2] - b[4 * i]) * Math.abs(b[4 * i + 3] - b[4 * i + 1]);
    }
}
