package dev.loadsplitter.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads an event file, with errors that name the file. */
final class Events {

    private Events() {
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UsageException("Event file " + file + " does not exist. Try examples/events/create-tags-5.json.");
        } catch (IOException e) {
            throw new UsageException("Cannot read event file " + file + ": " + e.getMessage());
        }
    }
}
