package dev.loadsplitter.examples.urlstatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.config.DurationSetting;
import dev.loadsplitter.engine.config.Setting;
import dev.loadsplitter.engine.task.ItemNoun;
import dev.loadsplitter.engine.task.JsonArrayTaskType;
import dev.loadsplitter.engine.task.JsonKinds;
import dev.loadsplitter.engine.task.WorkContext;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a list of URLs: the event {@code {"urls": ["https://…", …]}}, sent through the Invoke
 * API, one item per URL. Processing a URL fetches it, logs one JSON line and returns its status,
 * its size in bytes and the SHA-256 of its body as the URL's result. A thousand URLs that take a
 * second each take about a second when split one per sub-task.
 *
 * <p>A server error (5xx) or a failed connection fails that URL alone: it is fetched again on the
 * next delivery of its sub-task and, after the queue's receive count, dead-lettered with its error;
 * any other status is a result.
 */
public final class UrlStatusTaskType extends JsonArrayTaskType {

    /** How long one fetch may take, connect and body together. */
    public static final Setting URL_TIMEOUT = new Setting(
            "URL_TIMEOUT", "10s", "How long fetching one URL may take: 500ms, 10s, 1m or ISO-8601 (PT10S).");

    private static final Logger log = LoggerFactory.getLogger(UrlStatusTaskType.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UrlFetcher fetcher;

    public UrlStatusTaskType(UrlFetcher fetcher) {
        super("UrlStatus", "urls");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    }

    /** Reads {@code URL_TIMEOUT}; the HTTP client is built once, here, per container. */
    public UrlStatusTaskType(Map<String, String> environment) {
        this(new UrlFetcher(DurationSetting.read(URL_TIMEOUT, environment)));
    }

    /** As AWS Lambda builds it: from the process environment. */
    public UrlStatusTaskType() {
        this(System.getenv());
    }

    @Override
    public ItemNoun itemNoun() {
        return new ItemNoun("URL", "URLs");
    }

    @Override
    protected Optional<String> validateItem(JsonNode url) {
        if (!url.isTextual()) {
            return Optional.of("must be a string, got " + JsonKinds.describe(url));
        }
        try {
            URI uri = new URI(url.asText());
            if (!uri.isAbsolute() || !List.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
                return Optional.of("must be an absolute http or https URL, got '" + url.asText() + "'");
            }
        } catch (URISyntaxException e) {
            return Optional.of("is not a URL: " + e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * @return the URL's status, size and SHA-256
     * @throws IOException when the server answered 5xx or could not be reached: the URL is fetched again later
     */
    @Override
    public UrlFetcher.Result processItem(JsonNode url, WorkContext context) throws IOException, InterruptedException {
        UrlFetcher.Result result = fetcher.fetch(URI.create(url.asText()));
        if (result.status() >= 500) {
            throw new IOException(url.asText() + " answered " + result.status() + "; it is fetched again later");
        }
        log.info("{}: {}", context.describe(), JSON.writeValueAsString(result));
        return result;
    }
}
