package dev.loadsplitter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link ArchitectureTest}'s first rule for the archetype's Java templates, which are sources in its jar rather
 * than classes: the project a user generates starts on engine's public API.
 */
class ArchetypeTemplatesTest {

    private static final String TEMPLATES = "archetype-resources";

    @Test
    void templatesUseOnlyEnginesPublicApi() throws IOException, URISyntaxException {
        URL root = getClass().getClassLoader().getResource(TEMPLATES);
        assertThat(root).as("the archetype's jar is on the class path").isNotNull();
        List<String> templates = new ArrayList<>();
        List<String> internal = new ArrayList<>();
        try (TemplateFolder folder = TemplateFolder.of(root.toURI());
                Stream<Path> files = Files.walk(folder.path())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                templates.add(file.toString());
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).contains("dev.loadsplitter.engine.internal")) {
                        internal.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(templates).as("Java templates under " + root).isNotEmpty();
        assertThat(internal)
                .as("templates that reach engine.internal, which may change in any release")
                .isEmpty();
    }

    /** The templates' folder, inside the archetype's jar (the usual case) or a folder of classes. */
    private record TemplateFolder(Path path, FileSystem jar) implements AutoCloseable {

        static TemplateFolder of(URI uri) throws IOException {
            if (uri.getScheme().equals("jar")) {
                FileSystem jar = FileSystems.newFileSystem(uri, Map.of());
                return new TemplateFolder(jar.getPath(TEMPLATES), jar);
            }
            return new TemplateFolder(Path.of(uri), null);
        }

        @Override
        public void close() throws IOException {
            if (jar != null) {
                jar.close();
            }
        }
    }
}
