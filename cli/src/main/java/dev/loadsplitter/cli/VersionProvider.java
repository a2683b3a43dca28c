package dev.loadsplitter.cli;

import picocli.CommandLine;

/** The version from the jar's manifest, or "development" when run from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = LoadSplitterCli.class.getPackage().getImplementationVersion();
        return new String[] {
            "load-splitter " + (version == null ? "development build" : version), "Java " + Runtime.version()
        };
    }
}
