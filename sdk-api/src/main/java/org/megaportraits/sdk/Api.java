package org.megaportraits.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Stability marker on every public SDK type: what a vendor may rely on across versions. */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface Api {

    /** How stable the marked element is. */
    Status value();

    /** Since which SDK version the element exists. */
    String since() default "0.1";

    /** Stability levels, in the spirit of JUnit's {@code @API}. */
    enum Status {
        /** Kept compatible within a major package version; changes fail the bnd baseline. */
        STABLE,
        /** Usable, but may change in a minor version. */
        EXPERIMENTAL,
        /** Public for technical reasons only; not for vendors. */
        INTERNAL
    }
}
