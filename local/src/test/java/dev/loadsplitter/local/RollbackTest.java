package dev.loadsplitter.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a failed start closes, in which order, and what it keeps of what went wrong. */
class RollbackTest {

    @Test
    void closesEverythingNewestFirst() {
        List<String> closed = new ArrayList<>();
        Rollback rollback = new Rollback();
        rollback.add(() -> closed.add("sqs"));
        rollback.add(() -> closed.add("aws"));
        rollback.add(() -> closed.add("function"));

        rollback.closeAll(new IllegalStateException("the mapping did not start"));

        assertThat(closed).containsExactly("function", "aws", "sqs");
    }

    @Test
    void theStepsFailureKeepsEveryCloseThatFailedAndTheRestAreStillClosed() {
        List<String> closed = new ArrayList<>();
        Rollback rollback = new Rollback();
        rollback.add(() -> closed.add("sqs"));
        rollback.add(() -> {
            throw new IllegalStateException("aws would not stop");
        });
        rollback.add(() -> {
            throw new AssertionError("function would not stop");
        });
        IllegalStateException failure = new IllegalStateException("the mapping did not start");

        rollback.closeAll(failure);

        assertThat(closed).containsExactly("sqs");
        assertThat(failure).hasMessage("the mapping did not start");
        assertThat(failure.getSuppressed())
                .extracting(Throwable::getMessage)
                .containsExactly("function would not stop", "aws would not stop");
    }

    @Test
    void addReturnsThePartItWasGiven() throws Exception {
        Rollback rollback = new Rollback();
        AutoCloseable part = () -> {};

        assertThat(rollback.add(part)).isSameAs(part);
    }

    @Test
    void closesEachPartOnce() {
        List<String> closed = new ArrayList<>();
        Rollback rollback = new Rollback();
        rollback.add(() -> closed.add("sqs"));

        rollback.closeAll(new IllegalStateException("first"));
        rollback.closeAll(new IllegalStateException("second"));

        assertThat(closed).containsExactly("sqs");
    }
}
