package dev.loadsplitter.examples.urlstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.loadsplitter.engine.message.JobStatus;
import dev.loadsplitter.engine.task.JsonItemList;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.WorkContext;
import dev.loadsplitter.testing.TestRun;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The task type against a real HTTP server on loopback (the JDK's own), not a mock. */
class UrlStatusTaskTypeTest {

    private static final byte[] PAGE = "<html>hello</html>".getBytes(StandardCharsets.UTF_8);

    private final ObjectMapper json = new ObjectMapper();
    private final List<String> served = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            served.add(exchange.getRequestURI().getPath());
            int status = switch (exchange.getRequestURI().getPath()) {
                case "/page" -> 200;
                case "/moved" -> 301;
                case "/broken" -> 503;
                default -> 404;
            };
            if (status == 301) {
                exchange.getResponseHeaders().set("Location", "/page");
            }
            byte[] body = status == 200 ? PAGE : new byte[0];
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void aFetchRecordsStatusSizeAndSha256AndFollowsRedirects() throws Exception {
        UrlFetcher fetcher = new UrlFetcher(Duration.ofSeconds(5));

        UrlFetcher.Result page = fetcher.fetch(URI.create(url("/moved")));
        UrlFetcher.Result missing = fetcher.fetch(URI.create(url("/nothing")));

        assertEquals(200, page.status());
        assertEquals(PAGE.length, page.bytes());
        assertEquals("7e537e903df5bfa9c9de2dc590d2646f8b4aa71dd14877bd3e2eceda829a4618", page.sha256());
        assertEquals(404, missing.status());
        assertEquals(0, missing.bytes());
        assertEquals(List.of("/moved", "/page", "/nothing"), served);
    }

    @Test
    void processingFetchesEveryUrlOfTheTask() throws Exception {
        UrlStatusTaskType type = new UrlStatusTaskType(new UrlFetcher(Duration.ofSeconds(5)));
        JsonItemList task = accepted(type, "{\"urls\":[\"" + url("/page") + "\",\"" + url("/gone") + "\"]}");

        type.process(task, new WorkContext("job", "1", "m-1"));

        assertEquals(List.of("/page", "/gone"), served);
    }

    @Test
    void aUrlsResultIsItsStatusSizeAndSha256() throws Exception {
        UrlStatusTaskType type = new UrlStatusTaskType(new UrlFetcher(Duration.ofSeconds(5)));

        UrlFetcher.Result result =
                type.processItem(json.readTree("\"" + url("/page") + "\""), new WorkContext("j", "1", "m"));

        assertEquals(
                new UrlFetcher.Result(
                        url("/page"),
                        200,
                        PAGE.length,
                        "7e537e903df5bfa9c9de2dc590d2646f8b4aa71dd14877bd3e2eceda829a4618"),
                result);
    }

    @Test
    void aServerErrorFailsTheUrlSoItIsFetchedAgain() throws Exception {
        UrlStatusTaskType type = new UrlStatusTaskType(new UrlFetcher(Duration.ofSeconds(5)));

        IOException error = assertThrows(
                IOException.class,
                () -> type.processItem(json.readTree("\"" + url("/broken") + "\""), new WorkContext("job", "1", "m")));

        assertEquals(url("/broken") + " answered 503; it is fetched again later", error.getMessage());
    }

    @Test
    void twentyUrlsThroughTheWholePatternGiveEachItsStatusAndTheBrokenOneItsError() throws Exception {
        UrlStatusTaskType type = new UrlStatusTaskType(new UrlFetcher(Duration.ofSeconds(5)));
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            urls.add("\"" + url(i == 7 ? "/broken" : i % 2 == 0 ? "/page" : "/gone") + "\"");
        }

        TestRun.Result run =
                TestRun.of(type).maxItemsPerTask(3).maxReceiveCount(2).run("{\"urls\":" + urls + "}");

        assertEquals(JobStatus.COMPLETED_WITH_FAILURES, run.job().status());
        assertEquals(19, run.job().processed());
        assertEquals(
                "{\"index\":7,\"error\":{\"type\":\"java.io.IOException\",\"message\":\"" + url("/broken")
                        + " answered 503; it is fetched again later\"}}",
                run.lines().get(7));
        assertEquals(
                "{\"index\":1,\"result\":{\"url\":\"" + url("/gone") + "\",\"status\":404,\"bytes\":0,"
                        + "\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}}",
                run.lines().get(1));
        assertEquals(2, served.stream().filter("/broken"::equals).count(), "the broken URL, once per receive");
    }

    @Test
    void aTaskIsSlicedIntoSubTasksOfTheSameShape() throws Exception {
        UrlStatusTaskType type = new UrlStatusTaskType(new UrlFetcher(Duration.ofSeconds(5)));
        JsonItemList task =
                accepted(type, "{\"urls\":[\"http://a.example/\",\"http://b.example/\"],\"note\":\"kept\"}");

        JsonItemList second = type.subTask(task, 1, 2);

        assertEquals(
                "{\"urls\":[\"http://b.example/\"],\"note\":\"kept\"}", json.writeValueAsString(type.write(second)));
    }

    @Test
    void badUrlsAreInvalidAndNameTheItem() throws Exception {
        UrlStatusTaskType type = new UrlStatusTaskType(new UrlFetcher(Duration.ofSeconds(5)));

        assertEquals(
                "urls[1] must be an absolute http or https URL, got 'ftp://x/'",
                invalid(type, "{\"urls\":[\"http://a.example/\",\"ftp://x/\"]}"));
        assertEquals("urls[0] must be a string, got a number", invalid(type, "{\"urls\":[7]}"));
        assertEquals("urls is empty: send at least one URL", invalid(type, "{\"urls\":[]}"));
        assertEquals("urls is missing", invalid(type, "{\"links\":[]}"));
    }

    @SuppressWarnings("unchecked")
    private JsonItemList accepted(UrlStatusTaskType type, String event) throws Exception {
        return ((Reading.Accepted<JsonItemList>)
                        assertInstanceOf(Reading.Accepted.class, type.read(json.readTree(event))))
                .task();
    }

    private String invalid(UrlStatusTaskType type, String event) throws Exception {
        return assertInstanceOf(Reading.Invalid.class, type.read(json.readTree(event)))
                .describe();
    }
}
