package dev.loadsplitter.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadsplitter.engine.config.InvalidSettingException;
import dev.loadsplitter.engine.task.JsonArrayTaskType;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.engine.testing.OrderTaskType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a function's task type is found and built, and what a user is told when it cannot be. */
class TaskTypesTest {

    /** A task type with settings of its own, read from the environment it is given. */
    public static final class Configured extends OrderTaskType {
        final String greeting;

        public Configured(Map<String, String> environment) {
            this.greeting = environment.getOrDefault("GREETING", "none");
        }
    }

    /** A task type whose constructor fails, as one with a bad setting would. */
    public static final class Failing extends OrderTaskType {
        public Failing() {
            throw new IllegalStateException("GREETING is not set");
        }
    }

    /** No constructor the engine can call. */
    public static final class Unbuildable extends OrderTaskType {
        public Unbuildable(String unused) {}
    }

    /** A one-method task type whose work is a lambda, in a public no-argument class as ServiceLoader needs. */
    public static final class Squares extends JsonArrayTaskType.OfWork {
        public Squares() {
            super("Squares", "numbers", (item, context) -> item.asLong() * item.asLong());
        }
    }

    private static ClassLoader listing(Path dir, String... classNames) throws Exception {
        Path services = dir.resolve("META-INF/services/" + TaskType.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, String.join("\n", classNames) + "\n");
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, TaskTypesTest.class.getClassLoader());
    }

    @Test
    void theOneTaskTypeListedInTheJarIsFoundAndBuiltWithTheNoArgumentConstructor(@TempDir Path dir) throws Exception {
        TaskType<?> type = TaskTypes.find(Map.of(), listing(dir, OrderTaskType.class.getName()));

        assertThat(type).isExactlyInstanceOf(OrderTaskType.class);
    }

    @Test
    void aJsonArrayTaskTypeIsFoundListedOrNamedLikeAnyOther(@TempDir Path dir) throws Exception {
        TaskType<?> listed = TaskTypes.find(Map.of(), listing(dir, Squares.class.getName()));
        TaskType<?> named = TaskTypes.find(
                Map.of("TASK_TYPE", Squares.class.getName()), getClass().getClassLoader());

        assertThat(listed.getClass().getName()).isEqualTo(Squares.class.getName());
        assertThat(listed.name()).isEqualTo("Squares");
        assertThat(named).isExactlyInstanceOf(Squares.class);
    }

    @Test
    void taskTypeNamesAClassAndItsEnvironmentConstructorIsPreferred() {
        TaskType<?> type = TaskTypes.find(
                Map.of("TASK_TYPE", Configured.class.getName(), "GREETING", "hi"),
                getClass().getClassLoader());

        assertThat(type)
                .isInstanceOfSatisfying(
                        Configured.class, c -> assertThat(c.greeting).isEqualTo("hi"));
    }

    @Test
    void withNoTaskTypeListedTheMessageSaysWhatToDo() {
        assertThatThrownBy(() -> TaskTypes.find(Map.of(), getClass().getClassLoader()))
                .isInstanceOf(TaskTypes.TaskTypeNotFoundException.class)
                .hasMessage("No task type found: set TASK_TYPE to the class name of the function's TaskType, or list "
                        + "exactly one class in META-INF/services/dev.loadsplitter.engine.task.TaskType in the "
                        + "function's jar.");
    }

    @Test
    void twoListedTaskTypesAreNamed(@TempDir Path dir) throws Exception {
        ClassLoader loader = listing(dir, OrderTaskType.class.getName(), Failing.class.getName());

        assertThatThrownBy(() -> TaskTypes.find(Map.of(), loader))
                .hasMessageStartingWith("Several task types found [" + OrderTaskType.class.getName() + ", "
                        + Failing.class.getName() + "]: set TASK_TYPE");
    }

    @Test
    void aMissingClassNamesTheSettingAndTheClass() {
        assertThatThrownBy(() -> TaskTypes.find(
                        Map.of("TASK_TYPE", "com.example.Nope"), getClass().getClassLoader()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("TASK_TYPE='com.example.Nope' is invalid: no class of that name is in the "
                        + "function's jar; name a class that implements dev.loadsplitter.engine.task.TaskType");
    }

    @Test
    void aClassThatIsNoTaskTypeOrCannotBeBuiltIsNamedWithWhatWasExpected() {
        assertThatThrownBy(() -> TaskTypes.find(
                        Map.of("TASK_TYPE", String.class.getName()), getClass().getClassLoader()))
                .hasMessage("java.lang.String does not implement dev.loadsplitter.engine.task.TaskType; TASK_TYPE must "
                        + "name a task type.");
        assertThatThrownBy(() -> TaskTypes.find(
                        Map.of("TASK_TYPE", Unbuildable.class.getName()),
                        getClass().getClassLoader()))
                .hasMessage(Unbuildable.class.getName() + " has no public constructor taking the environment "
                        + "(Map<String, String>) and no public no-argument constructor; add one of them.");
        assertThatThrownBy(() -> TaskTypes.find(
                        Map.of("TASK_TYPE", Failing.class.getName()), getClass().getClassLoader()))
                .hasMessage(Failing.class.getName() + "'s constructor threw java.lang.IllegalStateException: "
                        + "GREETING is not set");
    }

    @Test
    void aListedClassWithoutANoArgumentConstructorSaysSo(@TempDir Path dir) throws Exception {
        ClassLoader loader = listing(dir, Configured.class.getName());

        assertThatThrownBy(() -> TaskTypes.find(Map.of(), loader))
                .hasMessageContaining("A listed task type needs a public no-argument constructor; or set TASK_TYPE "
                        + "to its class name instead.");
    }
}
