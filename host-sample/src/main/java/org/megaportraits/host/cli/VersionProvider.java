package org.megaportraits.host.cli;

import picocli.CommandLine.IVersionProvider;

/** The host's version from its jar manifest (or "development" when run from classes). */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String v = PortraitsCommand.class.getPackage().getImplementationVersion();
        return new String[] {"portraits " + (v == null ? "development" : v)};
    }
}
