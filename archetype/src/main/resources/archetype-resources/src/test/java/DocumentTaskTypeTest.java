package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.message.JobStatus;
import dev.loadsplitter.engine.task.JsonItemList;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.testing.TestRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DocumentTaskTypeTest {

    private final DocumentTaskType type = new DocumentTaskType();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theSampleRunsThroughTheWholePatternAndEveryDocumentGivesItsSummary() throws Exception {
        // The function, its queue, its dead-letter queue and its ledger, in memory: the event is split into six
        // sub-tasks, run at once; now and then a container dies mid-work or SQS delivers a batch twice.
        TestRun.Result run = TestRun.of(type)
                .crashRate(0.1)
                .duplicateDeliveryRate(0.1)
                .run(Files.readString(Path.of("events/sample.json")));

        assertEquals(JobStatus.COMPLETED, run.job().status());
        assertEquals(6, run.job().processed());
        assertEquals(6, run.lines().size());
        assertEquals("{\"index\":1,\"result\":{\"words\":3,"
                + "\"sha256\":\"458f3ceeeec730139693560ecf66c9c22d9c7bc7dcb0599e8e10b667dfeac043\"}}",
                run.lines().get(1));
    }

    @Test
    void theSampleEventIsReadAndSlicedIntoSubTasksOfTheSameShape() throws Exception {
        Reading<JsonItemList> reading = type.read(json.readTree(Files.readString(Path.of("events/sample.json"))));

        JsonItemList task = ((Reading.Accepted<JsonItemList>) assertInstanceOf(Reading.Accepted.class, reading)).task();
        assertEquals(6, type.itemCount(task));
        JsonItemList second = type.subTask(task, 1, 2);
        assertEquals(1, type.itemCount(second));
        assertEquals("doc-2", type.write(second).get("documents").get(0).get("id").asText());
    }

    @Test
    void aDocumentWithoutTextIsInvalidAndNamesTheDocument() throws Exception {
        Reading<JsonItemList> reading = type.read(json.readTree("{\"documents\":[{\"id\":\"a\"}]}"));

        assertEquals("documents[0] needs a string \"text\", got nothing",
                assertInstanceOf(Reading.Invalid.class, reading).describe());
    }

    @Test
    void processingADocumentCountsItsWordsAndHashesItsText() {
        DocumentTaskType.Summary summary = DocumentTaskType.summarise("to be or not to be");

        assertEquals(6, summary.words());
        assertEquals("2e9d72a733ae5a6c1c1ebd6802a33dfc92854bfc3439878e5d77dac320995f54", summary.sha256());
    }
}
