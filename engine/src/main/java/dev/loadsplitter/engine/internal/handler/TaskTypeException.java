package dev.loadsplitter.engine.internal.handler;

/** The task type threw while counting, slicing or writing a task: that task cannot succeed as it is. */
final class TaskTypeException extends RuntimeException {

    TaskTypeException(String taskType, String doing, RuntimeException cause) {
        super("task type " + taskType + " failed while " + doing + ": " + cause, cause);
    }
}
