package dev.loadsplitter.local.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LambdaJvmDefaultsTest {

    @Test
    void aFunctionJvmRunsAsLambdasJava21RuntimeDoes() {
        assertThat(HostProcess.lambdaJvmDefaults(Map.of("GREETING", "hi")))
                .containsExactly("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    }

    @Test
    void theFunctionsOwnJavaToolOptionsChooseTheCompilerAndTheCollector() {
        assertThat(HostProcess.lambdaJvmDefaults(Map.of("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=4")))
                .containsExactly("-XX:+UseSerialGC");
        assertThat(HostProcess.lambdaJvmDefaults(Map.of("JAVA_TOOL_OPTIONS", "-Xmx512m -XX:+UseParallelGC")))
                .containsExactly("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1");
        assertThat(HostProcess.lambdaJvmDefaults(
                        Map.of("JAVA_TOOL_OPTIONS", "-XX:-TieredCompilation -XX:+UseShenandoahGC")))
                .isEmpty();
    }
}
