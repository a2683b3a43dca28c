package dev.loadsplitter.function;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The configuration table (docs/configuration.md) and the handler named for deployment are held to the code. */
class ReadmeTest {

    private static final Pattern ROW =
            Pattern.compile("^\\| `([A-Z][A-Z0-9_]*)` \\| (`([^`]*)`|—) \\|", Pattern.MULTILINE);

    @Test
    void theConfigurationTableListsExactlyTheVariablesTheFunctionReadsWithTheirDefaults() throws Exception {
        String section = Files.readString(Path.of("..", "docs", "configuration.md"));
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher row = ROW.matcher(section);
        while (row.find()) {
            documented.put(row.group(1), row.group(3) == null ? "" : row.group(3));
        }
        Map<String, String> actual = new LinkedHashMap<>();
        for (Setting setting : FunctionSettings.all()) {
            actual.put(setting.name(), setting.defaultValue());
        }

        assertThat(documented).containsExactlyEntriesOf(actual);
    }

    @Test
    void theHandlerNamedForDeploymentIsTheEntryClass() throws Exception {
        String deploy = Files.readString(Path.of("..", "docs", "deploy.md"));

        assertThat(deploy).contains("`" + FunctionSettings.HANDLER + "`");
        assertThat(FunctionSettings.HANDLER).isEqualTo("dev.loadsplitter.lambda.LoadSplitterHandler::handleRequest");
    }
}
