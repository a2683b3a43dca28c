package dev.loadsplitter.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutOfMemoryRoutingExecutorTest {

    private final Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    // Off here, so that an error Pekko handles ends its actor system, not the test's JVM.
    private final ActorSystem actors = ActorSystem.create(
            "routing",
            ConfigFactory.parseString("pekko.jvm-exit-on-fatal-error = off").withFallback(EmbeddedSqs.serverConfig()));

    @AfterEach
    void restore() throws Exception {
        Thread.setDefaultUncaughtExceptionHandler(before);
        actors.terminate();
        actors.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }

    @Test
    void an_out_of_memory_error_in_the_servers_actors_goes_to_the_programs_handler() throws Exception {
        CompletableFuture<Throwable> heard = new CompletableFuture<>();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> heard.complete(error));

        throwing(new OutOfMemoryError("test: Java heap space"));

        assertThat(heard.get(1, TimeUnit.MINUTES))
                .isInstanceOf(OutOfMemoryError.class)
                .hasMessage("test: Java heap space");
        assertThat(actors.whenTerminated().isCompleted())
                .as("Pekko did not handle it")
                .isFalse();
    }

    @Test
    void without_a_handler_of_the_programs_pekko_handles_it_as_before() throws Exception {
        Thread.setDefaultUncaughtExceptionHandler(null);

        throwing(new OutOfMemoryError("test: Java heap space"));

        // Pekko's answer to a fatal error, with jvm-exit-on-fatal-error off: it ends the actor system.
        actors.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }

    @Test
    void other_fatal_errors_stay_pekkos() throws Exception {
        CompletableFuture<Throwable> heard = new CompletableFuture<>();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> heard.complete(error));

        throwing(new StackOverflowError("test"));

        actors.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
        assertThat(heard).isNotDone();
    }

    /** Throws on a thread of the default dispatcher, where ElasticMQ's actors and routes run. */
    private void throwing(Error error) {
        actors.dispatcher().execute(() -> {
            throw error;
        });
    }
}
