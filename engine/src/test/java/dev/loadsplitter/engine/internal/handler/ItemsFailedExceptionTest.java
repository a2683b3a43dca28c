package dev.loadsplitter.engine.internal.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ItemsFailedExceptionTest {

    private static Exception unreachable(String url) {
        return new IOException(url + " could not be reached");
    }

    private static Exception invalid(String url) {
        return new IllegalArgumentException(url + " is not allowed");
    }

    @Test
    void everyKindShowsOnceInTheStackAndItsRepeatsAreCounted() {
        Map<Long, Exception> failures = new LinkedHashMap<>();
        for (long item = 0; item < 8; item++) {
            failures.put(item, item == 5 ? invalid("u" + item) : unreachable("u" + item));
        }

        TaskRunner.ItemsFailedException failed = new TaskRunner.ItemsFailedException(failures);

        assertThat(failed)
                .hasMessage("8 items failed (item 0: java.io.IOException: u0 could not be reached, and 6 more like it; "
                        + "item 5: java.lang.IllegalArgumentException: u5 is not allowed)");
        assertThat(failed.getCause()).isSameAs(failures.get(0L));
        assertThat(failed.getSuppressed()).containsExactly(failures.get(5L));
        StringWriter trace = new StringWriter();
        failed.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString().lines().filter(line -> line.contains("Caused by: java.io.IOException")))
                .hasSize(1);
        assertThat(trace.toString()
                        .lines()
                        .filter(line -> line.contains("Suppressed: java.lang.IllegalArgumentException")))
                .hasSize(1);
    }

    @Test
    void oneItemIsNamedAlone() {
        TaskRunner.ItemsFailedException failed = new TaskRunner.ItemsFailedException(Map.of(3L, unreachable("u3")));

        assertThat(failed).hasMessage("1 item failed (item 3: java.io.IOException: u3 could not be reached)");
        assertThat(failed.getSuppressed()).isEmpty();
    }
}
