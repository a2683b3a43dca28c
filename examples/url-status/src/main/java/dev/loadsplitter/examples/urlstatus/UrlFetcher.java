package dev.loadsplitter.examples.urlstatus;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/** Fetches one URL and measures its body: status, bytes and SHA-256, streamed, never held in memory. */
public final class UrlFetcher {

    private final HttpClient client;
    private final Duration timeout;

    public UrlFetcher(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /**
     * What one fetch found.
     *
     * @param url the URL fetched
     * @param status the HTTP status of the final response, after redirects
     * @param bytes the body's length
     * @param sha256 the body's SHA-256, in hex
     */
    public record Result(String url, int status, long bytes, String sha256) {}

    /** @throws IOException when the URL cannot be reached or the body not read in time */
    public Result fetch(URI url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest sha256 = sha256();
        long bytes = 0;
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[16 * 1024];
            int read;
            while ((read = body.read(buffer)) >= 0) {
                sha256.update(buffer, 0, read);
                bytes += read;
            }
        }
        return new Result(
                url.toString(), response.statusCode(), bytes, HexFormat.of().formatHex(sha256.digest()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
