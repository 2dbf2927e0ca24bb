package org.megaportraits.sdk.training;

import org.megaportraits.sdk.Api;

/** The three training stages of the paper. */
@Api(Api.Status.STABLE)
public enum Stage {
    /** Stage 1: the one-shot base model on videos (section 3.1). */
    BASE,
    /** Stage 2: the 512 to 1024 enhancer on high-resolution stills (section 3.2). */
    ENHANCER,
    /** Stage 3: the student distilled from the teacher (section 3.3). */
    STUDENT
}
