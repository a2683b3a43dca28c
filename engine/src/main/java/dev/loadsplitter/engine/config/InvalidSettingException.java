package dev.loadsplitter.engine.config;

/** A setting's value cannot be used; the message names the variable, its value and what it accepts. */
public final class InvalidSettingException extends IllegalArgumentException {

    private final transient Setting setting;

    public InvalidSettingException(Setting setting, String value, String expectation) {
        super(setting.name() + "='" + value + "' is invalid: " + expectation
                + ". Fix the function's environment variable " + setting.name() + ".");
        this.setting = setting;
    }

    public Setting setting() {
        return setting;
    }
}
