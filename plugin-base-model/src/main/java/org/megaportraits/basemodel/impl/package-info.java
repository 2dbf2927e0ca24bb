/**
 * The base model's Declarative Services component and its sessions (private: use the SDK's
 * {@link org.megaportraits.sdk.reenact.ReenactmentModel}).
 */
package org.megaportraits.basemodel.impl;
