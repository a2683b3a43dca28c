package dev.loadsplitter.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A function's containers in the host, in this JVM: Lambda's runtime interface client builds and
 * calls the handler, and every outcome reaches the runtime as frames.
 */
class ContainersTest {

    private static final String ECHO = "dev.loadsplitter.host.fixture.EchoHandler::handleRequest";
    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:echo";

    private final ObjectMapper json = new ObjectMapper();
    private FrameCapture runtime;
    private HostChannel channel;

    @BeforeEach
    void channel() throws Exception {
        runtime = new FrameCapture();
        channel = runtime.channel();
    }

    private Containers containers(String handler) throws Exception {
        return new Containers(
                handler,
                ContainersTest.class.getClassLoader(),
                channel,
                new FunctionOutput(channel),
                HostMain.installLogger(channel));
    }

    private static HostFrame.Invoke invoke(int container, String requestId, String payload) {
        return new HostFrame.Invoke(container, requestId, 30_000, ARN, "", payload.getBytes(StandardCharsets.UTF_8));
    }

    private static String body(HostFrame.Result result) {
        return new String(result.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aNewContainerInitialisesThenAnswersAndItsLogEventsNameTheRequest() throws Exception {
        Containers containers = containers(ECHO);

        containers.invoke(invoke(1, "req-1", "{\"name\":\"a\"}"));

        assertThat(runtime.next())
                .isInstanceOfSatisfying(
                        HostFrame.Initialised.class,
                        initialised -> assertThat(initialised.requestId()).isEqualTo("req-1"));
        HostFrame.Log log = runtime.next(HostFrame.Log.class);
        assertThat(log.requestId()).isEqualTo("req-1");
        assertThat(new String(log.message(), StandardCharsets.UTF_8)).isEqualTo("echo a");
        HostFrame.Result result = runtime.next(HostFrame.Result.class);
        assertThat(result.requestId()).isEqualTo("req-1");
        assertThat(result.kind()).isEqualTo(HostFrame.Kind.SUCCESS);
        assertThat(json.readTree(result.body()).asText()).startsWith("a/req-1/");
    }

    @Test
    void aWarmContainerKeepsItsHandlerAndAnotherContainerBuildsItsOwn() throws Exception {
        Containers containers = containers(ECHO);

        containers.invoke(invoke(1, "req-1", "{\"name\":\"a\"}"));
        String first =
                json.readTree(runtime.next(HostFrame.Result.class).body()).asText();
        containers.invoke(invoke(1, "req-2", "{\"name\":\"b\"}"));
        HostFrame warm = runtime.next();
        while (warm instanceof HostFrame.Log) {
            warm = runtime.next();
        }
        assertThat(warm).as("no second initialisation").isInstanceOf(HostFrame.Result.class);
        String second = json.readTree(((HostFrame.Result) warm).body()).asText();
        containers.invoke(invoke(2, "req-3", "{\"name\":\"c\"}"));
        assertThat(runtime.next(HostFrame.Initialised.class).requestId()).isEqualTo("req-3");
        String third =
                json.readTree(runtime.next(HostFrame.Result.class).body()).asText();

        String instance = first.substring(first.lastIndexOf('/'));
        assertThat(second).isEqualTo("b/req-2" + instance);
        assertThat(third).startsWith("c/req-3/").doesNotEndWith(instance);
    }

    @Test
    void aHandlerThatThrowsAnswersWithLambdasErrorObjectAndLogsIt() throws Exception {
        Containers containers = containers(ECHO);

        containers.invoke(invoke(1, "req-1", "{\"fail\":\"boom\"}"));

        HostFrame.Log log = runtime.next(HostFrame.Log.class);
        assertThat(new String(log.message(), StandardCharsets.UTF_8)).contains("boom");
        HostFrame.Result result = runtime.next(HostFrame.Result.class);
        assertThat(result.kind()).isEqualTo(HostFrame.Kind.ERROR);
        JsonNode error = json.readTree(result.body());
        assertThat(error.path("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(error.path("errorMessage").asText()).isEqualTo("boom");
        assertThat(error.path("stackTrace").isArray()).isTrue();
    }

    @Test
    void aHandlerThatCannotBeBuiltIsAnInitErrorAndItsContainerIsGone() throws Exception {
        Containers containers = containers("dev.loadsplitter.host.fixture.BrokenHandler::handleRequest");

        containers.invoke(invoke(1, "req-1", "\"x\""));
        assertThat(runtime.next(HostFrame.Initialised.class).requestId()).isEqualTo("req-1");
        HostFrame.Result result = runtime.next(HostFrame.Result.class);
        containers.invoke(invoke(1, "req-2", "\"x\""));

        assertThat(result.kind()).isEqualTo(HostFrame.Kind.INIT_ERROR);
        assertThat(body(result)).contains("cannot start");
        assertThat(runtime.next(HostFrame.Initialised.class).requestId())
                .as("the next invocation of that container is a cold start")
                .isEqualTo("req-2");
        assertThat(runtime.next(HostFrame.Result.class).kind()).isEqualTo(HostFrame.Kind.INIT_ERROR);
    }

    @Test
    void aHandlerStringThatNamesNothingIsAnInitErrorSayingSo() throws Exception {
        Containers missing = containers("com.example.Missing::handleRequest");
        missing.invoke(invoke(1, "req-1", "{}"));
        HostFrame.Result notFound = runtime.next(HostFrame.Result.class);

        Containers invalid = containers("::");
        invalid.invoke(invoke(1, "req-2", "{}"));
        HostFrame.Result badString = runtime.next(HostFrame.Result.class);

        assertThat(notFound.kind()).isEqualTo(HostFrame.Kind.INIT_ERROR);
        assertThat(body(notFound)).contains("com.example.Missing");
        assertThat(badString.kind()).isEqualTo(HostFrame.Kind.INIT_ERROR);
        assertThat(body(badString)).contains("Invalid handler");
    }

    @Test
    void discardingAContainerInterruptsWhatItRuns() throws Exception {
        Containers containers = containers(ECHO);
        containers.invoke(invoke(1, "req-1", "{\"block\":true}"));
        runtime.next(HostFrame.Initialised.class);

        containers.discard(1);

        HostFrame.Result result = runtime.next(HostFrame.Result.class);
        assertThat(result.kind()).isEqualTo(HostFrame.Kind.ERROR);
        assertThat(json.readTree(result.body()).path("errorMessage").asText()).isEqualTo("interrupted");
    }

    @Test
    void outsideAnInvocationNoRequestIsCurrent() {
        assertThat(Containers.currentRequest()).isEmpty();
    }
}
