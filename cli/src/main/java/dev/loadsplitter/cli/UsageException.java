package dev.loadsplitter.cli;

/** The command was given something it cannot use; the message says what and what to do instead. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
