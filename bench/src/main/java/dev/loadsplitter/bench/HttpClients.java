package dev.loadsplitter.bench;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The synchronous HTTP clients the benchmark compares on the split path. */
final class HttpClients {

    static final String[] NAMES = {"url-connection", "apache5", "crt"};

    private HttpClients() {}

    static SdkHttpClient http(String name) {
        return switch (name) {
            case "url-connection" -> UrlConnectionHttpClient.builder().build();
            case "apache5" -> Apache5HttpClient.builder().maxConnections(64).build();
            case "crt" -> AwsCrtHttpClient.builder().maxConcurrency(64).build();
            default -> throw new IllegalArgumentException("unknown HTTP client " + name);
        };
    }

    static SqsClient sqs(String name, String endpoint) {
        return SqsClient.builder()
                .httpClient(http(name))
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .build();
    }
}
