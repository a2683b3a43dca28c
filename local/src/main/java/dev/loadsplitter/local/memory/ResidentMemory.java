package dev.loadsplitter.local.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A process's peak resident memory, from Linux's {@code /proc/PID/status} ({@code VmHWM}); empty elsewhere. */
public final class ResidentMemory {

    private ResidentMemory() {}

    /** The peak resident set of process {@code pid}, in bytes. */
    public static Optional<Long> peakBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Optional.of(Long.parseLong(line.replaceAll("\\D", "")) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // No /proc here, or the process is gone.
        }
        return Optional.empty();
    }
}
