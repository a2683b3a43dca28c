package dev.loadsplitter.bench;

import dev.loadsplitter.sqs.EmbeddedSqs;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** d) Cold start: a fresh JVM's first answer from the function jar against a bare SDK client's first call. */
final class ColdStart {

    private final Measurements measurements;

    ColdStart(Measurements measurements) {
        this.measurements = measurements;
    }

    void measure(EmbeddedSqs sqs) throws Exception {
        Path event = Harness.scratch().resolve("one-tag.json");
        Files.writeString(event, Events.oneTag());
        String classpath = Events.FUNCTION_JAR.toAbsolutePath()
                + File.pathSeparator
                + Path.of("target", "classes").toAbsolutePath();
        double function = Harness.median(5, () -> probe(classpath, "function", event.toString()));
        double sdk =
                Harness.median(5, () -> probe(classpath, "sdk", sqs.endpoint().toString()));
        measurements.add(
                "d) cold start",
                "fresh JVM: function jar, 1-tag invoke, delay 0",
                Measurements.millis(function),
                "JVM start to answer, median of 5",
                "cold_function_ms",
                function);
        measurements.add(
                "d) cold start",
                "fresh JVM: bare SDK client, first call",
                Measurements.millis(sdk),
                "JVM start to answer, median of 5",
                "cold_sdk_ms",
                sdk);
        measurements.add(
                "d) cold start",
                "function ÷ bare SDK",
                Measurements.ratio(function / sdk),
                "goal ≤ 1.3",
                "cold_ratio",
                function / sdk);
    }

    /** Runs {@link ColdStartProbe} in {@code mode} in a fresh JVM on {@code classpath}; returns the milliseconds it reports. */
    static double probe(String classpath, String mode, String argument) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Harness.java(),
                "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classpath,
                ColdStartProbe.class.getName(),
                mode,
                argument));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("cold start probe failed: " + out);
        }
        String[] lines = out.split("\\R");
        return Double.parseDouble(lines[lines.length - 1]);
    }
}
