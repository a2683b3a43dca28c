package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code awscli} package, found through dpkg so that no other {@code aws} on the PATH
 * stands in for it, run against local endpoints with throwaway credentials. CI installs it; on a
 * machine without it a test using it is skipped, except under CI, where it fails.
 */
record AwsCli(Path executable) {

    /** What one {@code aws} command printed. */
    record Result(int exitCode, String out, String err) {}

    static AwsCli debian() throws Exception {
        Process dpkg = new ProcessBuilder("dpkg", "-L", "awscli")
                .redirectErrorStream(true)
                .start();
        String files = new String(dpkg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean installed = dpkg.waitFor() == 0;
        Path found = files.lines()
                .filter(line -> line.endsWith("/bin/aws"))
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        if (!installed || found == null) {
            if (System.getenv("CI") != null) {
                fail("Debian's awscli package is not installed; .ci/run installs it with apt-get");
            }
            Assumptions.abort("Debian's awscli package is not installed (apt-get install awscli)");
        }
        return new AwsCli(found);
    }

    /** Runs {@code aws ARGS} in {@code dir}, where relative file names in the arguments resolve. */
    Result run(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> env = builder.environment();
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_PAGER", "");
        env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
        Path out = Files.createTempFile(dir, "aws", ".out");
        Path err = Files.createTempFile(dir, "aws", ".err");
        Process process =
                builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("aws " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
