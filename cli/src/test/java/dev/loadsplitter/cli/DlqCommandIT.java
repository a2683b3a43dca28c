package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.config.LedgerTolerance;
import dev.loadsplitter.engine.internal.config.AwsClients;
import dev.loadsplitter.engine.internal.ledger.DynamoDbLedgerTable;
import dev.loadsplitter.engine.internal.ledger.Ledger;
import dev.loadsplitter.engine.internal.ledger.LedgerSettings;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.local.aws.LocalAwsEndpoint;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** {@code dlq list} and {@code dlq redrive} against a real SQS-protocol server. */
class DlqCommandIT {

    @AutoClose
    private static final EmbeddedSqs sqs = EmbeddedSqs.start();

    private static int counter;
    private EmbeddedSqs.QueuePair queues;

    @BeforeEach
    void deadLetterThree() {
        counter++;
        queues = sqs.createQueues(
                "dlq-test-" + counter + "-queue", "dlq-test-" + counter + "-dlq", 5, Duration.ofSeconds(30));
        for (int part = 1; part <= 3; part++) {
            int index = part;
            sqs.client()
                    .sendMessage(r -> r.queueUrl(queues.dlqUrl())
                            .messageBody("{\"part\":" + index + "}")
                            .messageAttributes(Map.of(
                                    "jobId", string("job-42"),
                                    "partId", string(Integer.toString(index)),
                                    "partCount",
                                            MessageAttributeValue.builder()
                                                    .dataType("Number")
                                                    .stringValue("3")
                                                    .build(),
                                    "itemCount",
                                            MessageAttributeValue.builder()
                                                    .dataType("Number")
                                                    .stringValue("1")
                                                    .build(),
                                    "firstItem",
                                            MessageAttributeValue.builder()
                                                    .dataType("Number")
                                                    .stringValue(Integer.toString(index - 1))
                                                    .build())));
        }
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }

    @Test
    void listShowsEveryMessageWithItsJobAndPartAndLeavesThemThere() {
        RunCommandIT.Result result = RunCommandIT.cli("dlq", "list", "--queue-url", queues.dlqUrl());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().lines().filter(line -> line.contains("job-42")).toList())
                .hasSize(3)
                .anySatisfy(line -> assertThat(line).contains("2/3"));
        assertThat(result.out()).contains("3 messages in " + queues.dlqUrl());
        assertThat(sqs.depth(queues.dlqUrl()).visible())
                .as("listed messages are visible again")
                .isEqualTo(3);
    }

    @Test
    void listShowsTheFirstErrorFromTheProcessingRecords() throws Exception {
        try (LocalAwsEndpoint endpoint = LocalAwsEndpoint.start("127.0.0.1", 0, Clock.systemUTC());
                DynamoDbClient dynamo = AwsClients.dynamoDb(Map.of(
                        "AWS_ENDPOINT_URL_DYNAMODB", endpoint.url().toString(),
                        "AWS_REGION", "us-east-1",
                        "AWS_ACCESS_KEY_ID", "local",
                        "AWS_SECRET_ACCESS_KEY", "local"))) {
            endpoint.createTable("records", DynamoDbLedgerTable.PK, DynamoDbLedgerTable.SK);
            Ledger records = new Ledger(
                    new DynamoDbLedgerTable(dynamo, "records"),
                    Clock.systemUTC(),
                    LedgerSettings.of(Duration.ofDays(1), Duration.ofHours(6), LedgerTolerance.none()),
                    Sleeper.system());
            records.startJob("job-42", "test", 3);
            records.claim("job-42", "2", "holder", Duration.ofMinutes(1), false);
            records.release("job-42", "2", "holder", "detail.requestParameters.tagSet.items[0].key is missing");

            RunCommandIT.Result result = RunCommandIT.cli(
                    "dlq",
                    "list",
                    "--queue-url",
                    queues.dlqUrl(),
                    "--records-table",
                    "records",
                    "--records-endpoint-url",
                    endpoint.url().toString());

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()
                            .lines()
                            .filter(line -> line.contains("2/3"))
                            .findFirst()
                            .orElseThrow())
                    .endsWith("detail.requestParameters.tagSet.items[0].key is missing");
            assertThat(result.out()
                            .lines()
                            .filter(line -> line.contains("1/3"))
                            .findFirst()
                            .orElseThrow())
                    .endsWith("  -");
        }
    }

    @Test
    void aDryRunMovesNothing() {
        RunCommandIT.Result result = RunCommandIT.cli("dlq", "redrive", "--dry-run", "--queue-url", queues.dlqUrl());

        assertThat(result.out())
                .contains("dry run: 3 messages would move from " + queues.dlqUrl() + " to " + queues.url());
        assertThat(sqs.depth(queues.dlqUrl()).visible()).isEqualTo(3);
        assertThat(sqs.depth(queues.url()).total()).isZero();
    }

    @Test
    void redriveMovesUpToMaxWithBodiesAndAttributesIntact() {
        RunCommandIT.Result result = RunCommandIT.cli("dlq", "redrive", "--max", "2", "--queue-url", queues.dlqUrl());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("moved 2 messages from " + queues.dlqUrl() + " to " + queues.url());
        List<Message> moved = sqs.receiveAll(queues.url());
        assertThat(moved).hasSize(2).allSatisfy(message -> {
            assertThat(message.messageAttributes().get("jobId").stringValue()).isEqualTo("job-42");
            assertThat(message.messageAttributes().get("partCount").dataType()).isEqualTo("Number");
            assertThat(message.body())
                    .isEqualTo("{\"part\":"
                            + message.messageAttributes().get("partId").stringValue() + "}");
        });
        assertThat(sqs.depth(queues.dlqUrl()).total()).isEqualTo(1);
    }

    @Test
    void aDlqWhoseWorkQueueCannotBeTold() {
        RunCommandIT.Result result = RunCommandIT.cli("dlq", "redrive", "--queue-url", queues.url());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("its name ends in neither -parked nor -dlq. Give --to-queue-url.");
    }

    @Test
    void aQueueWithNoServerBehindItSaysWhichEndpointAndHowToStartIt() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        RunCommandIT.Result result = RunCommandIT.cli(
                "dlq", "list", "--queue-url", "http://127.0.0.1:" + closed + "/000000000000/load-splitter-dlq");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err())
                .contains("Cannot reach the SQS endpoint http://127.0.0.1:" + closed)
                .contains("Start it with './load-splitter serve' (port " + closed + " is its --sqs-port)");
    }

    @Test
    void serveOnABusyPortNamesThePortAndTheOptionThatChangesIt() throws Exception {
        try (java.net.ServerSocket busy =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            RunCommandIT.Result result = RunCommandIT.cli("serve", "--sqs-port", Integer.toString(busy.getLocalPort()));

            assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(result.err())
                    .contains("Cannot listen on 127.0.0.1:" + busy.getLocalPort())
                    .contains("pick another port with --sqs-port.");
        }
    }

    @Test
    void aDeleteSqsFailsOnceIsRetriedAndTheRedriveSucceeds() {
        FaultySqs faulty = new FaultySqs(sqs.client()).failDeletes(1, "2", false);

        RunCommandIT.Result result = cli(faulty, "dlq", "redrive", "--queue-url", queues.dlqUrl());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(faulty.deleteCalls()).isEqualTo(2);
        assertThat(sqs.depth(queues.dlqUrl()).total()).isZero();
        assertThat(sqs.depth(queues.url()).total()).isEqualTo(3);
    }

    @Test
    void aDeleteThatStaysFailedIsSaidAndFailsTheRedrive() {
        FaultySqs faulty = new FaultySqs(sqs.client()).failDeletes(Integer.MAX_VALUE, "2", false);

        RunCommandIT.Result result = cli(faulty, "dlq", "redrive", "--queue-url", queues.dlqUrl());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.out())
                .contains("moved 3 messages from " + queues.dlqUrl() + " to " + queues.url()
                        + "; 1 could not be deleted from the DLQ and are in both");
        assertThat(result.err())
                .contains("could not delete " + faulty.idOfPart("2") + " from " + queues.dlqUrl() + " after 3 attempts"
                        + " (InternalError injected)")
                .contains("delete it from this queue before another redrive.");
        assertThat(sqs.depth(queues.url()).total()).isEqualTo(3);
        assertThat(sqs.depth(queues.dlqUrl()).total()).isEqualTo(1);
    }

    @Test
    void aMessageThatCannotBeMadeVisibleAgainIsSaidAndFailsTheList() {
        FaultySqs faulty = new FaultySqs(sqs.client()).failVisibility("1", true);

        RunCommandIT.Result result = cli(faulty, "dlq", "list", "--queue-url", queues.dlqUrl());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.out()).contains("3 messages in " + queues.dlqUrl());
        assertThat(result.err())
                .contains("could not make " + faulty.idOfPart("1") + " visible again in " + queues.dlqUrl()
                        + " after 3 attempts (InternalError injected (the request's fault; not retried)); it stays "
                        + "in the queue, hidden until its 30 s are over");
        assertThat(faulty.visibilityCalls()).as("a sender fault is not retried").isEqualTo(1);
        assertThat(sqs.depth(queues.dlqUrl()).visible()).isEqualTo(2);
    }

    @Test
    void aSendThatStaysFailedLeavesTheMessageInTheDlqVisible() {
        FaultySqs faulty = new FaultySqs(sqs.client()).failSends("3");

        RunCommandIT.Result result = cli(faulty, "dlq", "redrive", "--queue-url", queues.dlqUrl());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.out()).contains("moved 2 messages").contains("; 1 could not be sent and stay in the DLQ");
        assertThat(result.err()).contains("could not move " + faulty.idOfPart("3") + " to " + queues.url());
        assertThat(sqs.depth(queues.dlqUrl()).visible()).isEqualTo(1);
        assertThat(sqs.depth(queues.url()).total()).isEqualTo(2);
    }

    /** The CLI with its dlq commands on {@code client}. */
    private static RunCommandIT.Result cli(software.amazon.awssdk.services.sqs.SqsClient client, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> type) throws Exception {
                return type == DlqCommand.class ? (K) new DlqCommand(url -> client) : defaults.create(type);
            }
        };
        int code = LoadSplitterCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), factory)
                .execute(args);
        return new RunCommandIT.Result(code, out.toString(), err.toString());
    }
}
