package dev.loadsplitter.engine.internal.config;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds AWS clients from the function's environment, which may be the process environment (on
 * AWS Lambda) or a map handed over by the local runtime.
 *
 * <p>The HTTP client is AWS CRT's synchronous one, which AWS recommends for Lambda
 * (https://docs.aws.amazon.com/sdk-for-java/latest/developer-guide/lambda-optimize-starttime.html):
 * measured here it sent sub-tasks about 15 % faster than the url-connection client and a fresh
 * JVM reached its first call about 20 ms later; it keeps up to {@value #MAX_CONNECTIONS} connections per endpoint.
 * The shared clients share one HTTP client, as the SDK's guide advises
 * (https://docs.aws.amazon.com/sdk-for-java/latest/developer-guide/http-configuration.html): each CRT client
 * builds its own TLS context (the system's certificates parsed, about 70 ms of CPU here) and event loop
 * group, which a second and third service client would otherwise build again on a split's or a close's path.
 * The SDK's standard endpoint variables are honoured: the service-specific
 * one ({@code AWS_ENDPOINT_URL_SQS}, {@code AWS_ENDPOINT_URL_DYNAMODB}), then {@code AWS_ENDPOINT_URL}.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
public final class AwsClients {

    /** Connections per client: more than SEND_CONCURRENCY can use, so no call waits for one. */
    static final int MAX_CONNECTIONS = 64;

    private static final ConcurrentHashMap<List<String>, SqsClient> SHARED_SQS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<List<String>, DynamoDbClient> SHARED_DYNAMODB = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<List<String>, EventBridgeClient> SHARED_EVENTBRIDGE =
            new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<List<String>, LambdaClient> SHARED_LAMBDA = new ConcurrentHashMap<>();
    private static final List<String> CLIENT_VARIABLES = List.of(
            "AWS_ENDPOINT_URL_LAMBDA",
            "AWS_ENDPOINT_URL_SQS",
            "AWS_ENDPOINT_URL_DYNAMODB",
            "AWS_ENDPOINT_URL_EVENTBRIDGE",
            "AWS_ENDPOINT_URL",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_LAMBDA_FUNCTION_NAME");

    /** The access key the local runtime hands its functions (EmbeddedSqs.ACCESS_KEY). */
    static final String LOCAL_RUNTIME_KEY = "load-splitter-local";

    private AwsClients() {}

    /** A new SQS client with an HTTP client of its own; the caller closes both by closing it. */
    public static SqsClient sqs(Map<String, String> environment) {
        return configure(SqsClient.builder(), environment, "SQS", null).build();
    }

    /** A new DynamoDB client with an HTTP client of its own; the caller closes both by closing it. */
    public static DynamoDbClient dynamoDb(Map<String, String> environment) {
        return configure(DynamoDbClient.builder(), environment, "DYNAMODB", null)
                .build();
    }

    /**
     * The SQS client every handler of this class loader shares for the same client configuration,
     * kept for the life of the JVM. On Lambda a JVM is one execution environment, so this is the
     * usual client per container; in the local runtime a thousand containers share one instead of
     * holding a thousand. Never close it.
     */
    public static SqsClient sharedSqs(Map<String, String> environment) {
        return SHARED_SQS.computeIfAbsent(
                key(environment),
                key -> configure(SqsClient.builder(), environment, "SQS", SharedHttp.CLIENT)
                        .build());
    }

    /** The EventBridge client shared like {@link #sharedSqs}. Never close it. */
    public static EventBridgeClient sharedEventBridge(Map<String, String> environment) {
        return SHARED_EVENTBRIDGE.computeIfAbsent(
                key(environment),
                key -> configure(EventBridgeClient.builder(), environment, "EVENTBRIDGE", SharedHttp.CLIENT)
                        .build());
    }

    /** The DynamoDB client shared like {@link #sharedSqs}. Never close it. */
    public static DynamoDbClient sharedDynamoDb(Map<String, String> environment) {
        return SHARED_DYNAMODB.computeIfAbsent(
                key(environment),
                key -> configure(DynamoDbClient.builder(), environment, "DYNAMODB", SharedHttp.CLIENT)
                        .build());
    }

    /** The Lambda client shared like {@link #sharedSqs}, for a function that invokes itself. Never close it. */
    public static LambdaClient sharedLambda(Map<String, String> environment) {
        return SHARED_LAMBDA.computeIfAbsent(
                key(environment),
                key -> configure(LambdaClient.builder(), environment, "LAMBDA", SharedHttp.CLIENT)
                        .build());
    }

    /** The HTTP client of the shared service clients, built with the first of them and never closed. */
    private static final class SharedHttp {
        static final SdkHttpClient CLIENT =
                AwsCrtHttpClient.builder().maxConcurrency(MAX_CONNECTIONS).build();
    }

    private static List<String> key(Map<String, String> environment) {
        return CLIENT_VARIABLES.stream()
                .map(name -> String.valueOf(environment.get(name)))
                .toList();
    }

    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
            B builder, Map<String, String> environment, String serviceId, SdkHttpClient shared) {
        if (shared == null) {
            // Built by the SDK for this client alone, and closed with it.
            builder.httpClientBuilder(AwsCrtHttpClient.builder().maxConcurrency(MAX_CONNECTIONS));
        } else {
            builder.httpClient(shared);
        }
        // Lambda's trace header on every call, for a function whose environment is a map (the SDK's own
        // interceptor reads only the process environment).
        LambdaTraceHeader.forEnvironment(environment)
                .ifPresent(interceptor ->
                        builder.overrideConfiguration(override -> override.addExecutionInterceptor(interceptor)));
        String endpoint =
                firstSet(environment, "AWS_ENDPOINT_URL_" + serviceId.toUpperCase(Locale.ROOT), "AWS_ENDPOINT_URL");
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        String region = firstSet(environment, "AWS_REGION", "AWS_DEFAULT_REGION");
        if (region != null) {
            builder.region(Region.of(region));
        }
        if (endpoint != null
                && isLoopback(URI.create(endpoint))
                && LOCAL_RUNTIME_KEY.equals(firstSet(environment, "AWS_ACCESS_KEY_ID"))) {
            // The local runtime's own servers on this machine (SQS, DynamoDB, EventBridge) check no signature:
            // skipping SigV4 saves the CPU a thousand local containers would spend signing every call.
            builder.credentialsProvider(AnonymousCredentialsProvider.create());
            return builder;
        }
        // Keys in the given map win; otherwise the SDK's default chain (which also covers SnapStart's
        // container credentials) finds them.
        String accessKey = firstSet(environment, "AWS_ACCESS_KEY_ID");
        String secretKey = firstSet(environment, "AWS_SECRET_ACCESS_KEY");
        if (accessKey != null && secretKey != null) {
            String sessionToken = firstSet(environment, "AWS_SESSION_TOKEN");
            builder.credentialsProvider(StaticCredentialsProvider.create(
                    sessionToken == null
                            ? AwsBasicCredentials.create(accessKey, secretKey)
                            : AwsSessionCredentials.create(accessKey, secretKey, sessionToken)));
        }
        return builder;
    }

    private static boolean isLoopback(URI endpoint) {
        String host = endpoint.getHost();
        return host != null && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
    }

    private static String firstSet(Map<String, String> environment, String... names) {
        for (String name : names) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }
}
