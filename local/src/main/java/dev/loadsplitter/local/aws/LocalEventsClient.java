package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.message.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the events a running local endpoint (a {@code serve}) keeps, through its
 * {@code LoadSplitterLocal.ListEvents} call: what {@code jobs show} prints of a job's completion events.
 *
 * <pre>{@code
 * List<PutEvent> completed = LocalEventsClient.create(URI.create("http://127.0.0.1:9002"))
 *         .events(EventFilter.any().detailType("Job Completed").detail("jobId", jobId));
 * }</pre>
 */
public final class LocalEventsClient {

    /** The X-Amz-Target of the endpoint's read path. */
    public static final String LIST_EVENTS = "LoadSplitterLocal.ListEvents";

    private final URI endpoint;
    private final HttpClient http;
    private final ObjectMapper json = EventJson.create();

    private LocalEventsClient(URI endpoint) {
        this.endpoint = endpoint;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A client of the endpoint at {@code endpoint} (serve's {@code --aws-port}). */
    public static LocalEventsClient create(URI endpoint) {
        return new LocalEventsClient(Objects.requireNonNull(endpoint, "endpoint"));
    }

    /**
     * One page of events.
     *
     * @param events the page's events, in the order they were put
     * @param nextToken where the next page starts, when there is one
     */
    public record Page(List<EventBridgeBus.PutEvent> events, Optional<String> nextToken) {}

    /** Every event passing {@code filter}, all pages read. */
    public List<EventBridgeBus.PutEvent> events(EventFilter filter) {
        List<EventBridgeBus.PutEvent> all = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            Page page = page(filter, EventBridgeBus.MAX_PAGE, token);
            all.addAll(page.events());
            token = page.nextToken();
        } while (token.isPresent());
        return all;
    }

    /** One page of at most {@code limit} events passing {@code filter}, from {@code nextToken}. */
    public Page page(EventFilter filter, int limit, Optional<String> nextToken) {
        ObjectNode request = json.createObjectNode().put("Limit", limit);
        filter.source().ifPresent(source -> request.put("Source", source));
        filter.detailType().ifPresent(type -> request.put("DetailType", type));
        filter.busName().ifPresent(bus -> request.put("EventBusName", bus));
        if (!filter.detail().isEmpty()) {
            ObjectNode detail = request.putObject("Detail");
            filter.detail().forEach(detail::put);
        }
        nextToken.ifPresent(token -> request.put("NextToken", token));
        JsonNode response = call(request);
        List<EventBridgeBus.PutEvent> events = new ArrayList<>();
        for (JsonNode event : response.path("Events")) {
            try {
                events.add(new EventBridgeBus.PutEvent(
                        event.path("Id").asText(),
                        event.path("EventBusName").asText(),
                        event.path("Source").asText(),
                        event.path("DetailType").asText(),
                        json.readTree(event.path("Detail").asText("{}")),
                        Instant.ofEpochMilli(new BigDecimal(event.path("Time").asText("0"))
                                .movePointRight(3)
                                .longValue())));
            } catch (IOException e) {
                throw new IllegalStateException(endpoint + " answered an event whose Detail is not JSON: " + event, e);
            }
        }
        return new Page(events, Optional.ofNullable(response.get("NextToken")).map(JsonNode::asText));
    }

    private JsonNode call(ObjectNode body) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(endpoint.resolve("/"))
                    .timeout(Duration.ofSeconds(30))
                    .header("X-Amz-Target", LIST_EVENTS)
                    .header("Content-Type", "application/x-amz-json-1.1")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Could not list the events of " + endpoint + " (" + e
                            + "). Is serve running there (its --aws-port)?",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while listing the events of " + endpoint, e);
        }
        JsonNode answer;
        try {
            answer = json.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(
                    endpoint + " answered ListEvents with HTTP " + response.statusCode()
                            + " and a body that is not JSON; is it a local Load Splitter endpoint?",
                    e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException(endpoint + " refused ListEvents: HTTP " + response.statusCode() + " "
                    + answer.path("__type").asText() + ": "
                    + answer.path("message").asText());
        }
        return answer;
    }
}
