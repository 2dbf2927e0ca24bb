/**
 * The networks of the MegaPortraits base model (paper section 3.1, appendix A.1), with stable
 * parameter names for training: {@link org.megaportraits.basemodel.net.BaseGenerator} and its
 * parts, and {@link org.megaportraits.basemodel.net.BaseModelConfig} with the shipped presets.
 */
@Export
@Version("1.0.0")
package org.megaportraits.basemodel.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
