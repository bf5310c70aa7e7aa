package io.sluice.proxy.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets the forbidden-apis build gate accept the annotated code (the parent pom suppresses on any annotation of this
 * simple name). Only for a call that is right where it is; {@link #reason()} says why.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.CONSTRUCTOR, ElementType.METHOD, ElementType.FIELD})
public @interface SuppressForbidden {

    /** Why the forbidden API is the right call here. */
    String reason();
}
