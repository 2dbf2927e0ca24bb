/** A bundle whose base-model service fails to start (built by TestBundles.failingModel). */
package org.megaportraits.host.brokentest;
