package dev.loadsplitter.function.createtags;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.function.Events;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CreateTagsTaskTypeTest {

    private final ObjectMapper json = EventJson.create();
    private final CreateTagsTaskType type = new CreateTagsTaskType(new TagWork(Duration.ZERO));

    private Reading<CreateTagsTask> read(String event) throws Exception {
        return type.read(json.readTree(event));
    }

    @Test
    void readsTheTagsAndResourcesOfTheExampleEvents() throws Exception {
        CreateTagsTask five = ((Reading.Accepted<CreateTagsTask>) read(Events.example("create-tags-5.json"))).task();
        CreateTagsTask fifty = ((Reading.Accepted<CreateTagsTask>) read(Events.example("create-tags-50.json"))).task();

        assertThat(type.itemCount(five)).isEqualTo(5);
        assertThat(five.key(0)).isEqualTo("Name");
        assertThat(five.value(0)).isEqualTo("web-1");
        assertThat(five.resourceIds()).containsExactly("i-0abcd1234ef567890");
        assertThat(type.itemCount(fifty)).isEqualTo(50);
    }

    @Test
    void theBareDetailFormOfTheSampleIsAccepted() throws Exception {
        String bare = "{\"detail\":{\"eventName\":\"CreateTags\",\"requestParameters\":{"
                + "\"resourcesSet\":{\"items\":[{\"resourceId\":\"i-1\"}]},"
                + "\"tagSet\":{\"items\":[{\"key\":\"a\",\"value\":\"b\"}]}}}}";

        assertThat(read(bare)).isInstanceOf(Reading.Accepted.class);
    }

    @Test
    void otherCloudTrailEventsAreIgnoredNamingTheEvent() throws Exception {
        assertThat(read(Events.example("delete-tags.json")))
                .isEqualTo(Reading.ignored("detail.eventName is 'DeleteTags', not CreateTags"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "empty object                 | {}                                                                   | detail | is missing",
                "array root                   | []                                                                   | (root) | must be a JSON object, got an array",
                "detail not an object         | {\"detail\":\"x\"}                                                   | detail | must be an object, got a string",
                "no eventName                 | {\"detail\":{}}                                                      | detail.eventName | is missing",
                "eventName not a string       | {\"detail\":{\"eventName\":7}}                                       | detail.eventName | must be a string, got a number",
                "no requestParameters         | {\"detail\":{\"eventName\":\"CreateTags\"}}                          | detail.requestParameters | is missing",
                "no tag list                  | {\"detail\":{\"eventName\":\"CreateTags\",\"requestParameters\":{\"tagSet\":{}}}} | detail.requestParameters.tagSet.items | is missing",
                "tag list not a list          | {\"detail\":{\"eventName\":\"CreateTags\",\"requestParameters\":{\"tagSet\":{\"items\":{\"key\":\"a\"}}}}} | detail.requestParameters.tagSet.items | must be an array, got an object",
                "tag list empty               | {\"detail\":{\"eventName\":\"CreateTags\",\"requestParameters\":{\"tagSet\":{\"items\":[]}}}} | detail.requestParameters.tagSet.items | is empty: a CreateTags call sets at least one tag",
                "tag not an object            | {\"detail\":{\"eventName\":\"CreateTags\",\"requestParameters\":{\"tagSet\":{\"items\":[\"a\"]}}}} | detail.requestParameters.tagSet.items[0] | must be an object with a key, got a string",
                "tag without key              | {\"detail\":{\"eventName\":\"CreateTags\",\"requestParameters\":{\"tagSet\":{\"items\":[{\"key\":\"a\"},{\"value\":\"b\"}]}}}} | detail.requestParameters.tagSet.items[1].key | is missing",
                "tag key null                 | {\"detail\":{\"eventName\":\"CreateTags\",\"requestParameters\":{\"tagSet\":{\"items\":[{\"key\":null}]}}}} | detail.requestParameters.tagSet.items[0].key | must be a string, got null",
                "tag value a number           | {\"detail\":{\"eventName\":\"CreateTags\",\"requestParameters\":{\"tagSet\":{\"items\":[{\"key\":\"a\",\"value\":1}]}}}} | detail.requestParameters.tagSet.items[0].value | must be a string, got a number",
                "no resources                 | {\"detail\":{\"eventName\":\"CreateTags\",\"requestParameters\":{\"tagSet\":{\"items\":[{\"key\":\"a\"}]}}}} | detail.requestParameters.resourcesSet | is missing",
                "resources empty              | {\"detail\":{\"eventName\":\"CreateTags\",\"requestParameters\":{\"tagSet\":{\"items\":[{\"key\":\"a\"}]},\"resourcesSet\":{\"items\":[]}}}} | detail.requestParameters.resourcesSet.items | is empty: a CreateTags call tags at least one resource",
                "resource without id          | {\"detail\":{\"eventName\":\"CreateTags\",\"requestParameters\":{\"tagSet\":{\"items\":[{\"key\":\"a\"}]},\"resourcesSet\":{\"items\":[{}]}}}} | detail.requestParameters.resourcesSet.items[0].resourceId | is missing",
            })
    void anInvalidEventNamesItsFirstBadField(String name, String event, String field, String problem) throws Exception {
        assertThat(read(event)).isEqualTo(Reading.invalid(field, problem));
    }

    @Test
    void aSubTaskKeepsEverythingButTheOtherTags() throws Exception {
        String event = Events.testEvent("create-tags-special-characters.json");
        CreateTagsTask task = ((Reading.Accepted<CreateTagsTask>) read(event)).task();

        CreateTagsTask third = type.subTask(task, 2, 3);

        assertThat(third.tagCount()).isEqualTo(1);
        assertThat(third.key(0)).isEqualTo("Unicode ☃");
        assertThat(third.value(0)).isEqualTo("naïve café 🚀 日本語");
        String written = json.writeValueAsString(type.write(third));
        assertThat(written)
                .contains("\"x-top-level-unknown\":\"still here\"")
                .contains("\"x-unknown-field\":{\"kept\":[1,2.50,null,true]}")
                .contains("\"resourcesSet\":{\"items\":[{\"resourceId\":\"i-0abcd1234ef567890\"}]}");
    }
}
