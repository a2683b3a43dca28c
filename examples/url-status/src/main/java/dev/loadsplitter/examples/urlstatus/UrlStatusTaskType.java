package dev.loadsplitter.examples.urlstatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.config.DurationSetting;
import dev.loadsplitter.engine.config.Setting;
import dev.loadsplitter.engine.task.ItemNoun;
import dev.loadsplitter.engine.task.JsonItemList;
import dev.loadsplitter.engine.task.JsonKinds;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.engine.task.WorkContext;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a list of URLs: the event {@code {"urls": ["https://…", …]}}, sent through the Invoke
 * API, one item per URL. Processing a URL fetches it and logs one JSON line with its status, its
 * size in bytes and the SHA-256 of its body. A thousand URLs that take a second each take about a
 * second when split one per sub-task.
 *
 * <p>A server error (5xx) or a failed connection fails the sub-task, so SQS delivers it again
 * and, after the queue's receive count, parks it in the dead-letter queue; any other status is a
 * result and is recorded.
 */
public final class UrlStatusTaskType implements TaskType<JsonItemList> {

    /** How long one fetch may take, connect and body together. */
    public static final Setting URL_TIMEOUT = new Setting(
            "URL_TIMEOUT", "10s", "How long fetching one URL may take: 500ms, 10s, 1m or ISO-8601 (PT10S).");

    private static final Logger log = LoggerFactory.getLogger(UrlStatusTaskType.class);
    private static final List<String> URLS = List.of("urls");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UrlFetcher fetcher;

    public UrlStatusTaskType(UrlFetcher fetcher) {
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
    public String name() {
        return "UrlStatus";
    }

    @Override
    public ItemNoun itemNoun() {
        return new ItemNoun("URL", "URLs");
    }

    @Override
    public Reading<JsonItemList> read(JsonNode event) {
        Reading<JsonItemList> located = JsonItemList.locate(event, URLS);
        if (!(located instanceof Reading.Accepted<JsonItemList>(JsonItemList urls))) {
            return located;
        }
        if (urls.size() == 0) {
            return Reading.invalid("urls", "is empty: list at least one URL");
        }
        for (int i = 0; i < urls.size(); i++) {
            JsonNode url = urls.items().get(i);
            String at = "urls[" + i + "]";
            if (!url.isTextual()) {
                return Reading.invalid(at, "must be a string, got " + JsonKinds.describe(url));
            }
            try {
                URI uri = new URI(url.asText());
                if (!uri.isAbsolute() || !List.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
                    return Reading.invalid(at, "must be an absolute http or https URL, got '" + url.asText() + "'");
                }
            } catch (URISyntaxException e) {
                return Reading.invalid(at, "is not a URL: " + e.getMessage());
            }
        }
        return located;
    }

    @Override
    public int itemCount(JsonItemList task) {
        return task.size();
    }

    @Override
    public JsonItemList subTask(JsonItemList task, int fromIndex, int toIndex) {
        return task.slice(fromIndex, toIndex);
    }

    @Override
    public JsonNode write(JsonItemList task) {
        return task.root();
    }

    @Override
    public void process(JsonItemList task, WorkContext context) throws IOException, InterruptedException {
        for (JsonNode url : task.items()) {
            UrlFetcher.Result result = fetcher.fetch(URI.create(url.asText()));
            if (result.status() >= 500) {
                throw new IOException(url.asText() + " answered " + result.status() + "; it is fetched again later");
            }
            log.info("{}: {}", context.describe(), JSON.writeValueAsString(result));
        }
    }
}
