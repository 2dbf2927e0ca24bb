/** The Compositor service: its Declarative Services component and sessions. */
package org.megaportraits.background.impl;
