package dev.loadsplitter.engine.config;

/** A setting's value cannot be used; the message names the variable, its value and what it accepts. */
public final class InvalidSettingException extends IllegalArgumentException {

    private final transient Setting setting;
    private final String problem;

    public InvalidSettingException(Setting setting, String value, String expectation) {
        this(setting, setting.name() + "='" + value + "' is invalid: " + expectation);
    }

    private InvalidSettingException(Setting setting, String problem) {
        super(problem + ". Fix the function's environment variable " + setting.name() + ".");
        this.setting = setting;
        this.problem = problem;
    }

    public Setting setting() {
        return setting;
    }

    /** What is wrong, without the advice: "MAX_ITEMS_PER_TASK='0' is invalid: expected a whole number from 1 to …". */
    public String problem() {
        return problem;
    }
}
