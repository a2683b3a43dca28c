package dev.loadsplitter.cli;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.LambdaClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * Clients for a queue URL, on AWS CRT's HTTP client as the function's: a real AWS queue
 * ({@code https://sqs.<region>.amazonaws.com/…}) gets the standard credential chain and the URL's
 * region; any other host (load-splitter serve, ElasticMQ) is the endpoint, with dummy credentials.
 */
final class QueueClients {

    private static final Pattern AWS_HOST = Pattern.compile("^sqs\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?$");

    /** The port of {@code load-splitter serve}'s Lambda Invoke API, by default. */
    static final int LOCAL_LAMBDA_PORT = 9001;

    private static final String FAILED_EVENTS_SUFFIX = "-failed-events";

    private QueueClients() {}

    static SqsClient forQueue(String queueUrl) {
        Map<String, String> environment = environmentFor(queueUrl);
        SqsClientBuilder builder = SqsClient.builder()
                .httpClient(AwsCrtHttpClient.builder().build())
                .region(Region.of(environment.get("AWS_REGION")));
        String endpoint = environment.get("AWS_ENDPOINT_URL_SQS");
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint))
                    .credentialsProvider(
                            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        }
        return builder.build();
    }

    /**
     * The environment that reaches DynamoDB in the queue's region, or at {@code endpoint} (a local
     * server) when given, as {@link dev.loadsplitter.engine.jobs.Jobs#connect} reads it.
     */
    static Map<String, String> dynamoDbEnvironmentBeside(String queueUrl, String endpoint) {
        Map<String, String> environment = new HashMap<>(environmentFor(queueUrl));
        environment.remove("AWS_ENDPOINT_URL_SQS");
        if (endpoint != null) {
            environment.put("AWS_ENDPOINT_URL_DYNAMODB", endpoint);
            environment.put("AWS_ACCESS_KEY_ID", "local");
            environment.put("AWS_SECRET_ACCESS_KEY", "local");
        }
        return environment;
    }

    /** The client environment of a queue URL, in the SDK's variables (as the function's environment names them). */
    private static Map<String, String> environmentFor(String queueUrl) {
        URI uri = URI.create(queueUrl);
        if (uri.getHost() == null) {
            throw new UsageException("'" + queueUrl + "' is not a queue URL; expected e.g. "
                    + "https://sqs.us-east-1.amazonaws.com/123456789012/load-splitter-dlq");
        }
        Matcher aws = AWS_HOST.matcher(uri.getHost());
        if (aws.matches()) {
            return Map.of("AWS_REGION", aws.group(1));
        }
        return Map.of(
                "AWS_ENDPOINT_URL_SQS",
                uri.getScheme() + "://" + uri.getAuthority(),
                "AWS_REGION",
                "us-east-1",
                "AWS_ACCESS_KEY_ID",
                "local",
                "AWS_SECRET_ACCESS_KEY",
                "local");
    }

    /**
     * A Lambda client for the function beside a queue: at {@code endpoint} when given, at the local
     * runtime's Invoke API (port 9001 of the queue's host) for a local queue, else in the queue's region.
     */
    static LambdaClient lambdaBeside(String queueUrl, String endpoint) {
        Map<String, String> environment = environmentFor(queueUrl);
        LambdaClientBuilder builder = LambdaClient.builder()
                .httpClient(AwsCrtHttpClient.builder().build())
                .region(Region.of(environment.get("AWS_REGION")));
        URI queue = URI.create(queueUrl);
        String local = environment.containsKey("AWS_ENDPOINT_URL_SQS")
                ? queue.getScheme() + "://" + queue.getHost() + ":" + LOCAL_LAMBDA_PORT
                : null;
        String target = endpoint != null ? endpoint : local;
        if (target != null) {
            builder.endpointOverride(URI.create(target))
                    .credentialsProvider(
                            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        }
        return builder.build();
    }

    /**
     * What to say when a queue cannot be reached: which endpoint, and for a local one, how to start it.
     *
     * @return the exception to throw
     */
    static RuntimeException unreachable(String queueUrl, SdkClientException e) {
        URI uri = URI.create(queueUrl);
        String endpoint = uri.getScheme() + "://" + uri.getAuthority();
        boolean local = !AWS_HOST.matcher(String.valueOf(uri.getHost())).matches();
        return new IllegalStateException(
                "Cannot reach the SQS endpoint " + endpoint + " (" + e.getMessage() + "). "
                        + (local
                                ? "Start it with './load-splitter serve' (port " + uri.getPort()
                                        + " is its --sqs-port), " + "or give the --queue-url of a queue that exists."
                                : "Check the network and your AWS credentials."),
                e);
    }

    /** Whether {@code queueUrl} names a failed-events queue (Lambda's on-failure destination). */
    static boolean isFailedEvents(String queueUrl) {
        return queueUrl.endsWith(FAILED_EVENTS_SUFFIX);
    }

    /** The function a queue named {@code <prefix>-failed-events} belongs to: {@code <prefix>}. */
    static String functionOf(String failedEventsUrl) {
        String name = failedEventsUrl.substring(failedEventsUrl.lastIndexOf('/') + 1);
        if (!name.endsWith(FAILED_EVENTS_SUFFIX)) {
            throw new UsageException("Cannot tell the function of " + failedEventsUrl + ": its name does not end in "
                    + FAILED_EVENTS_SUFFIX + ". Give --function-name.");
        }
        return name.substring(0, name.length() - FAILED_EVENTS_SUFFIX.length());
    }

    /** The work queue of a queue named {@code <prefix>-parked} or {@code <prefix>-dlq}: {@code <prefix>-queue}. */
    static String workQueueOf(String dlqUrl) {
        for (String suffix : new String[] {"-parked", "-dlq"}) {
            if (dlqUrl.endsWith(suffix)) {
                return dlqUrl.substring(0, dlqUrl.length() - suffix.length()) + "-queue";
            }
        }
        throw new UsageException("Cannot tell the work queue of " + dlqUrl + ": its name ends in neither -parked nor "
                + "-dlq. Give --to-queue-url.");
    }
}
