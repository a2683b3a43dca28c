package dev.loadsplitter.engine;

import dev.loadsplitter.engine.config.InvalidSettingException;
import dev.loadsplitter.engine.config.Settings;
import dev.loadsplitter.engine.task.TaskType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds and builds a function's task type, so a function needs no handler class of its own.
 *
 * <p>Which class: the one {@code TASK_TYPE} names, or else the one task type the function's jar
 * lists in {@code META-INF/services/dev.loadsplitter.engine.task.TaskType} (Java's
 * {@link ServiceLoader} convention). How it is built: through a public constructor taking the
 * function's environment as a {@code Map<String, String>} when it has one, otherwise through its
 * public no-argument constructor.
 */
public final class TaskTypes {

    private TaskTypes() {}

    /**
     * The function's task type, built.
     *
     * @param environment the function's environment: {@code TASK_TYPE}, and whatever the task type reads
     * @param loader where the function's classes are
     * @throws TaskTypeNotFoundException naming the class and what was expected, when none can be built
     */
    public static TaskType<?> find(Map<String, String> environment, ClassLoader loader) {
        Class<?> type = Settings.TASK_TYPE.isSetIn(environment)
                ? named(Settings.TASK_TYPE.read(environment), loader)
                : listed(loader);
        return build(type, environment);
    }

    private static Class<?> named(String className, ClassLoader loader) {
        try {
            return Class.forName(className, false, loader);
        } catch (ClassNotFoundException e) {
            throw new InvalidSettingException(
                    Settings.TASK_TYPE,
                    className,
                    "no class of that name is in the function's jar; name a class that implements "
                            + TaskType.class.getName());
        }
    }

    private static Class<?> listed(ClassLoader loader) {
        List<Class<? extends TaskType>> listed;
        try {
            listed = ServiceLoader.load(TaskType.class, loader).stream()
                    .map(ServiceLoader.Provider::type)
                    .toList();
        } catch (ServiceConfigurationError e) {
            throw new TaskTypeNotFoundException(
                    "The task type listed in META-INF/services/" + TaskType.class.getName()
                            + " cannot be loaded: " + e.getMessage()
                            + ". A listed task type needs a public no-argument "
                            + "constructor; or set TASK_TYPE to its class name instead.",
                    e);
        }
        if (listed.size() != 1) {
            throw new TaskTypeNotFoundException(
                    (listed.isEmpty()
                                    ? "No task type found"
                                    : "Several task types found "
                                            + listed.stream()
                                                    .map(Class::getName)
                                                    .toList())
                            + ": set TASK_TYPE to the class name of the function's TaskType, or list exactly one class in "
                            + "META-INF/services/" + TaskType.class.getName() + " in the function's jar.",
                    null);
        }
        return listed.getFirst();
    }

    private static TaskType<?> build(Class<?> type, Map<String, String> environment) {
        if (!TaskType.class.isAssignableFrom(type)) {
            throw new TaskTypeNotFoundException(
                    type.getName() + " does not implement " + TaskType.class.getName()
                            + "; TASK_TYPE must name a task type.",
                    null);
        }
        if (Modifier.isAbstract(type.getModifiers())) {
            throw new TaskTypeNotFoundException(
                    type.getName() + " is abstract or an interface; name a concrete " + "task type.", null);
        }
        try {
            Constructor<?> constructor;
            Object[] arguments;
            try {
                constructor = type.getConstructor(Map.class);
                arguments = new Object[] {environment};
            } catch (NoSuchMethodException e) {
                constructor = type.getConstructor();
                arguments = new Object[0];
            }
            return (TaskType<?>) constructor.newInstance(arguments);
        } catch (NoSuchMethodException e) {
            throw new TaskTypeNotFoundException(
                    type.getName() + " has no public constructor taking the environment "
                            + "(Map<String, String>) and no public no-argument constructor; add one of them.",
                    e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new TaskTypeNotFoundException(type.getName() + "'s constructor threw " + cause, cause);
        } catch (ReflectiveOperationException e) {
            throw new TaskTypeNotFoundException(type.getName() + " cannot be built: " + e, e);
        }
    }

    /** No task type could be found or built; the message names the class and what was expected. */
    public static final class TaskTypeNotFoundException extends RuntimeException {

        TaskTypeNotFoundException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
