package dev.loadsplitter.function;

import dev.loadsplitter.engine.config.Setting;
import dev.loadsplitter.engine.config.Settings;
import dev.loadsplitter.function.createtags.TagWork;
import java.util.ArrayList;
import java.util.List;

/**
 * Every environment variable the function reads, in one list: the README's configuration table,
 * the local runtime and the Terraform checks are all held to it.
 */
public final class FunctionSettings {

    /** The handler string to deploy with: the generic handler, which finds CreateTags through META-INF/services. */
    public static final String HANDLER = "dev.loadsplitter.lambda.LoadSplitterHandler::handleRequest";

    private FunctionSettings() {}

    public static List<Setting> all() {
        List<Setting> all = new ArrayList<>(Settings.ALL);
        all.add(TagWork.PROCESSING_DELAY);
        return List.copyOf(all);
    }
}
