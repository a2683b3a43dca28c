package dev.loadsplitter.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Assumptions;

/**
 * The Terraform configuration as HashiCorp's HCL parser sees it: {@code node hcl2json.js} (the npm
 * package {@code @cdktf/hcl2json}) turns each {@code .tf} file into JSON, where blocks are lists
 * and expressions are {@code ${…}} strings. No Terraform binary is needed.
 */
final class TerraformModel {

    static final Path TERRAFORM = Path.of("terraform");
    private static final Path CHECK = TERRAFORM.resolve("check");

    private final Map<String, JsonNode> files;

    private TerraformModel(Map<String, JsonNode> files) {
        this.files = files;
    }

    /** Parses {@code terraform/*.tf}; skips (or, under CI, fails) when the parser is not installed. */
    static TerraformModel load() throws Exception {
        if (!Files.isDirectory(CHECK.resolve("node_modules").resolve("@cdktf").resolve("hcl2json"))) {
            String message = "The HCL parser is not installed: run 'npm ci --prefix deploy/terraform/check' "
                    + "(.ci/run does).";
            if (System.getenv("CI") != null) {
                fail(message);
            }
            Assumptions.abort(message);
        }
        Process node = new ProcessBuilder("node", CHECK.resolve("hcl2json.js").toString(), TERRAFORM.toString())
                .redirectErrorStream(false)
                .start();
        byte[] out = node.getInputStream().readAllBytes();
        String err = new String(node.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!node.waitFor(60, TimeUnit.SECONDS) || node.exitValue() != 0) {
            fail("HCL parsing failed: " + err);
        }
        JsonNode all = new ObjectMapper().readTree(out);
        Map<String, JsonNode> files = new LinkedHashMap<>();
        all.properties().forEach(entry -> files.put(entry.getKey(), entry.getValue()));
        return new TerraformModel(files);
    }

    Map<String, JsonNode> files() {
        return files;
    }

    /** The first block {@code kind "type" "name"} (resource or data) in any file, or fails naming it. */
    JsonNode block(String kind, String type, String name) {
        for (JsonNode file : files.values()) {
            JsonNode block = file.path(kind).path(type).path(name);
            if (block.isArray() && !block.isEmpty()) {
                return block.get(0);
            }
        }
        return fail(kind + " \"" + type + "\" \"" + name + "\" is not declared in " + TERRAFORM);
    }

    /** Every {@code kind "type" "name"} block: resource or data. */
    void forEachBlock(String kind, BiConsumer<String, JsonNode> action) {
        for (JsonNode file : files.values()) {
            file.path(kind)
                    .properties()
                    .forEach(type -> type.getValue()
                            .properties()
                            .forEach(named -> named.getValue()
                                    .forEach(block -> action.accept(type.getKey() + "." + named.getKey(), block))));
        }
    }

    /** Whether {@code kind "type" "name"} is declared. */
    boolean declares(String kind, String type, String name) {
        return files.values().stream()
                .anyMatch(file -> file.path(kind).path(type).has(name));
    }

    /** Variables by name. */
    Map<String, JsonNode> variables() {
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        files.values()
                .forEach(file -> file.path("variable")
                        .properties()
                        .forEach(entry ->
                                variables.put(entry.getKey(), entry.getValue().get(0))));
        return variables;
    }

    /** Locals by name, across every {@code locals} block. */
    Map<String, JsonNode> locals() {
        Map<String, JsonNode> locals = new LinkedHashMap<>();
        files.values()
                .forEach(file -> file.path("locals")
                        .forEach(block ->
                                block.properties().forEach(entry -> locals.put(entry.getKey(), entry.getValue()))));
        return locals;
    }

    /** Every string in every file, with the file it is in: where expressions live. */
    List<Map.Entry<String, String>> strings() {
        List<Map.Entry<String, String>> strings = new ArrayList<>();
        files.forEach((file, json) -> collect(file, json, strings));
        return strings;
    }

    private static void collect(String file, JsonNode node, List<Map.Entry<String, String>> out) {
        if (node.isTextual()) {
            out.add(Map.entry(file, node.asText()));
        } else {
            node.forEach(child -> collect(file, child, out));
        }
    }

    /** docs/deploy.md, where the variables and resources are documented. */
    static String deployGuide() throws IOException {
        return Files.readString(Path.of("..", "docs", "deploy.md"));
    }
}
