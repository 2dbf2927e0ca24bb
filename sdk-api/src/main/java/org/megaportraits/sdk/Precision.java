package org.megaportraits.sdk;

import java.util.Locale;

/** Numeric precision a model runs in. */
@Api(Api.Status.STABLE)
public enum Precision {
    /** 32-bit float: the reference. */
    FP32,
    /** 16-bit IEEE float. */
    FP16,
    /** bfloat16: the fast choice on recent NVIDIA GPUs. */
    BF16;

    /**
     * Parses {@code fp32}, {@code fp16} or {@code bf16} (any case).
     *
     * @throws InvalidInputException naming the accepted values
     */
    public static Precision parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidInputException("unknown precision '" + text + "'", "use one of fp32, fp16, bf16");
        }
    }
}
