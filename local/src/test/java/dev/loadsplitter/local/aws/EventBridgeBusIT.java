package dev.loadsplitter.local.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.testing.SteppingClock;
import dev.loadsplitter.local.fault.CallFaults;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * The local bus: PutEvents answered per entry through the SDK, the events read back through
 * ListEvents with {@link LocalEventsClient} (filters and pages), and the bus bounded: events older
 * than the retention go at the next sweep, and past the cap the oldest go.
 */
class EventBridgeBusIT {

    private final SteppingClock clock = new SteppingClock(Instant.parse("2026-12-03T10:00:00Z"));
    private LocalAwsEndpoint endpoint;
    private EventBridgeClient events;

    @BeforeEach
    void start() {
        endpoint = LocalAwsEndpoint.start(
                "127.0.0.1",
                0,
                clock,
                LocalAwsSettings.defaults()
                        .withEventRetention(Duration.ofHours(1))
                        .withMaxEvents(50),
                CallFaults.NONE);
        events = EndpointClients.eventBridgeWithoutRetries(endpoint);
    }

    @AfterEach
    void stop() {
        events.close();
        endpoint.close();
    }

    private static PutEventsRequestEntry completed(String jobId) {
        return PutEventsRequestEntry.builder()
                .source("load-splitter")
                .detailType("Job Completed")
                .eventBusName("arn:aws:events:us-east-1:000000000000:event-bus/default")
                .detail("{\"jobId\":\"" + jobId + "\",\"status\":\"COMPLETED\"}")
                .build();
    }

    @Test
    void putEventsAnswersEachEntryAndCountsTheFailedOnes() {
        PutEventsResponse response = events.putEvents(r -> r.entries(
                completed("job-1"),
                PutEventsRequestEntry.builder()
                        .source("load-splitter")
                        .detailType("Job Completed")
                        .detail("[1]")
                        .build(),
                PutEventsRequestEntry.builder()
                        .detailType("No source")
                        .detail("{}")
                        .build()));

        assertThat(response.failedEntryCount()).isEqualTo(2);
        assertThat(response.entries().get(0).eventId()).isNotBlank();
        assertThat(response.entries().get(1).errorCode()).isEqualTo("MalformedDetail");
        assertThat(response.entries().get(2).errorCode()).isEqualTo("InvalidArgument");
        assertThat(endpoint.eventBridge().events()).singleElement().satisfies(event -> {
            assertThat(event.busName()).isEqualTo("default");
            assertThat(event.time()).isEqualTo(clock.instant());
        });
    }

    @Test
    void listEventsFiltersBySourceDetailTypeAndDetailFieldAndPages() {
        for (int i = 0; i < 25; i++) {
            int job = i;
            events.putEvents(r -> r.entries(completed("job-" + (job % 5))));
        }
        events.putEvents(r -> r.entries(PutEventsRequestEntry.builder()
                .source("someone-else")
                .detailType("Job Completed")
                .detail("{\"jobId\":\"job-1\"}")
                .build()));
        LocalEventsClient client = LocalEventsClient.create(endpoint.url());
        EventFilter jobOne = EventFilter.any()
                .source("load-splitter")
                .detailType("Job Completed")
                .detail("jobId", "job-1");

        assertThat(client.events(jobOne))
                .hasSize(5)
                .allSatisfy(event ->
                        assertThat(event.detail().get("status").asText()).isEqualTo("COMPLETED"));
        List<Integer> pages = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            LocalEventsClient.Page page = client.page(EventFilter.any(), 10, token);
            pages.add(page.events().size());
            token = page.nextToken();
        } while (token.isPresent());
        assertThat(pages).containsExactly(10, 10, 6);
        assertThat(client.events(EventFilter.any().source("someone-else"))).hasSize(1);
    }

    @Test
    void eventsPastTheRetentionGoAtTheNextSweepAndPastTheCapTheOldestGo() {
        events.putEvents(r -> r.entries(completed("old")));
        clock.advance(Duration.ofMinutes(61));
        events.putEvents(r -> r.entries(completed("new")));
        assertThat(endpoint.eventBridge().purge()).isEqualTo(1);
        assertThat(endpoint.eventBridge().events())
                .extracting(event -> event.detail().get("jobId").asText())
                .containsExactly("new");

        for (int i = 0; i < 60; i++) {
            int job = i;
            events.putEvents(r -> r.entries(completed("job-" + job)));
        }
        List<EventBridgeBus.PutEvent> kept = endpoint.eventBridge().events();
        assertThat(kept).hasSize(50);
        assertThat(kept.getFirst().detail().get("jobId").asText()).isEqualTo("job-10");
    }
}
