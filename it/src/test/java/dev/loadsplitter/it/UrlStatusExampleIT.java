package dev.loadsplitter.it;

import static dev.loadsplitter.it.UserProject.HANDLER;
import static dev.loadsplitter.it.UserProject.VERSION;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.loadsplitter.engine.testing.CapturedOutput;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second task type, {@code examples/url-status}, a standalone project on our coordinates, run
 * end to end: its jar through the local runtime, fetching pages from a real HTTP server.
 */
class UrlStatusExampleIT {

    private static final Path EXAMPLE = UserProject.ROOT.resolve("examples/url-status");

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theExampleDependsOnThisVersionByItsCoordinates() {
        assertThat(UserProject.read(EXAMPLE.resolve("pom.xml")))
                .contains("<load-splitter.version>" + VERSION + "</load-splitter.version>")
                .doesNotContain("<parent>");
    }

    @Test
    void twentyUrlsAreFetchedOncePerSubTaskInParallel(@TempDir Path work) throws Exception {
        Set<String> fetched = ConcurrentHashMap.newKeySet();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            fetched.add(exchange.getRequestURI().getPath());
            byte[] body = ("page " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            ObjectNode event = json.createObjectNode();
            ArrayNode urls = event.putArray("urls");
            for (int i = 1; i <= 20; i++) {
                urls.add("http://127.0.0.1:" + server.getAddress().getPort() + "/page-" + i);
            }
            Path eventFile = Files.writeString(work.resolve("urls.json"), json.writeValueAsString(event));

            UserProject.Result run;
            String functionLog;
            try (CapturedOutput output = CapturedOutput.start()) {
                run = UserProject.loadSplitter(
                        "run",
                        "--json",
                        "--function-jar",
                        EXAMPLE.resolve("target/url-status.jar").toString(),
                        "--handler",
                        HANDLER,
                        eventFile.toString());
                functionLog = output.text();
            }

            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode summary = json.readTree(run.out());
            assertThat(summary.get("items").asInt()).isEqualTo(20);
            assertThat(summary.get("itemsProcessed").asInt()).isEqualTo(20);
            assertThat(summary.get("invocations").asInt()).isEqualTo(21);
            assertThat(fetched).hasSize(20).contains("/page-1", "/page-20");
            assertThat(functionLog).contains("\"status\":200,\"bytes\":12,\"sha256\":");
        } finally {
            server.stop(0);
        }
    }
}
