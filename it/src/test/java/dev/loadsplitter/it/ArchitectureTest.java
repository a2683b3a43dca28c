package dev.loadsplitter.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Engine's public API, enforced: what a user's function, the generic handler, the sample function,
 * the CLI and the examples may reach of the engine, on the main code of every module on this
 * module's class path ({@code it} depends on all of them but {@code bench}). The archetype's templates
 * are sources, not classes: {@link ArchetypeTemplatesTest} holds them to the same rule.
 */
@AnalyzeClasses(
        packages = {"dev.loadsplitter", "com.example"},
        importOptions = ArchitectureTest.MainCodeOnly.class)
class ArchitectureTest {

    /**
     * Only the engine itself, the local runtime (and its function JVM), the benchmarks and the test kit,
     * which runs the real handler in its simulation, reach {@code engine.internal}.
     */
    @ArchTest
    static final ArchRule ENGINE_INTERNALS_STAY_INSIDE = noClasses()
            .that()
            .resideOutsideOfPackages(
                    "dev.loadsplitter.engine..",
                    "dev.loadsplitter.local..",
                    "dev.loadsplitter.host..",
                    "dev.loadsplitter.bench..",
                    "dev.loadsplitter.testing..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.loadsplitter.engine.internal..")
            .because("engine.internal may change in any release: the function, the CLI, the generic handler,"
                    + " the examples and a user's project use engine's public packages (docs/architecture.md)");

    /** No AWS SDK type in what engine's public packages let a caller see: the engine has no AWS types in its API. */
    @ArchTest
    static final ArchRule NO_AWS_SDK_TYPE_IN_THE_PUBLIC_API = classes()
            .that()
            .resideInAPackage("dev.loadsplitter.engine..")
            .and()
            .resideOutsideOfPackage("dev.loadsplitter.engine.internal..")
            .and()
            .arePublic()
            .should(exposeNoTypeFrom("software.amazon.awssdk"))
            .because(
                    "a public signature with an SDK type ties every caller to the SDK's version (docs/architecture.md)");

    /** Nor an internal type: what a caller may not import, a public signature may not hand it. */
    @ArchTest
    static final ArchRule NO_INTERNAL_TYPE_IN_THE_PUBLIC_API = classes()
            .that()
            .resideInAPackage("dev.loadsplitter.engine..")
            .and()
            .resideOutsideOfPackage("dev.loadsplitter.engine.internal..")
            .and()
            .arePublic()
            .should(exposeNoTypeFrom("dev.loadsplitter.engine.internal"))
            .because("code outside the engine could call it but could not name what it takes or returns");

    /**
     * The DynamoDB/EventBridge emulator stands as a module would, beside {@code embedded-sqs}: of the local
     * runtime it reaches only the fault model it shares with the SQS proxy and the function runtime (one
     * seeded decision per call, so one seed replays the faults of all three), and nothing above it.
     */
    @ArchTest
    static final ArchRule THE_AWS_EMULATOR_STANDS_ALONE = noClasses()
            .that()
            .resideInAPackage("dev.loadsplitter.local.aws..")
            .should()
            .dependOnClassesThat(resideInLocalOtherThan("dev.loadsplitter.local.aws", "dev.loadsplitter.local.fault"))
            .because("local.aws is a module in all but its pom: the runtime builds on it, never the reverse"
                    + " (docs/architecture.md)");

    /** The AWS scaling model, too: the mapping's scaling and the forecast read it, it reads none of them. */
    @ArchTest
    static final ArchRule THE_SCALING_MODEL_STANDS_ALONE = noClasses()
            .that()
            .resideInAPackage("dev.loadsplitter.local.forecast..")
            .should()
            .dependOnClassesThat(resideInLocalOtherThan("dev.loadsplitter.local.forecast"))
            .because("local.forecast is a module in all but its pom (docs/architecture.md)");

    private static DescribedPredicate<JavaClass> resideInLocalOtherThan(String... allowed) {
        return DescribedPredicate.describe(
                "reside in dev.loadsplitter.local outside " + String.join(", ", allowed), type -> {
                    String name = type.getPackageName();
                    if (!name.equals("dev.loadsplitter.local") && !name.startsWith("dev.loadsplitter.local.")) {
                        return false;
                    }
                    for (String within : allowed) {
                        if (name.equals(within) || name.startsWith(within + ".")) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    /** A rule over no classes passes: each module the rules are about must have been imported. */
    @ArchTest
    static void importsEveryModulesMainCode(JavaClasses imported) {
        assertThat(List.of(
                        "dev.loadsplitter.engine.LoadSplitter",
                        "dev.loadsplitter.lambda.LoadSplitterHandler",
                        "dev.loadsplitter.function.createtags.CreateTagsTaskType",
                        "dev.loadsplitter.cli.Main",
                        "dev.loadsplitter.local.aws.LocalAwsEndpoint",
                        "dev.loadsplitter.local.forecast.FanOutSimulation",
                        "dev.loadsplitter.examples.urlstatus.UrlStatusTaskType",
                        "com.example.Greeter"))
                .allSatisfy(name -> assertThat(imported.contain(name))
                        .as("%s is imported", name)
                        .isTrue());
        assertThat(imported.get("dev.loadsplitter.engine.LoadSplitter")
                        .getSource()
                        .map(source -> source.getUri().toString()))
                .as("the engine's own classes, not the example's shaded copies")
                .hasValueSatisfying(uri -> assertThat(uri).doesNotContain("url-status"));
        assertThat(imported.stream().map(JavaClass::getName))
                .as("no test classes (the engine's test-jar is on the class path)")
                .doesNotContain("dev.loadsplitter.engine.testing.EsmDriver", "dev.loadsplitter.it.ArchitectureTest");
    }

    private static ArchCondition<JavaClass> exposeNoTypeFrom(String packagePrefix) {
        return new ArchCondition<>("expose no " + packagePrefix + " type in a public or protected signature") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                for (JavaMember member : type.getMembers()) {
                    if (!member.getModifiers().contains(JavaModifier.PUBLIC)
                            && !member.getModifiers().contains(JavaModifier.PROTECTED)) {
                        continue;
                    }
                    Set<String> exposed = new TreeSet<>();
                    for (JavaType involved : signatureTypes(member)) {
                        for (JavaClass raw : involved.getAllInvolvedRawTypes()) {
                            if (raw.getPackageName().equals(packagePrefix)
                                    || raw.getPackageName().startsWith(packagePrefix + ".")) {
                                exposed.add(raw.getName());
                            }
                        }
                    }
                    if (!exposed.isEmpty()) {
                        events.add(SimpleConditionEvent.violated(
                                member,
                                member.getDescription() + " has " + String.join(", ", exposed) + " in its signature in "
                                        + member.getSourceCodeLocation()));
                    }
                }
            }
        };
    }

    private static List<JavaType> signatureTypes(JavaMember member) {
        List<JavaType> types = new ArrayList<>();
        if (member instanceof JavaCodeUnit code) {
            types.add(code.getReturnType());
            types.addAll(code.getParameterTypes());
            code.getThrowsClause().getTypes().forEach(types::add);
        } else if (member instanceof com.tngtech.archunit.core.domain.JavaField field) {
            types.add(field.getType());
        }
        return types;
    }

    /**
     * Main code only: not this module's tests; not the engine's test-jar, which Maven puts on the class path as a
     * jar when {@code it} is built alone ({@link ImportOption.DoNotIncludeTests} knows test-classes folders); and not
     * the copies of the engine and the handler inside the example's shaded jar, which may be older than the modules'
     * own when {@code it} is built alone.
     */
    static final class MainCodeOnly implements ImportOption {
        private static final Pattern SHADED_COPY =
                // url-status-1.0.0-SNAPSHOT.jar from a repository, url-status.jar from the reactor's target folder.
                Pattern.compile(".*/url-status[^/]*\\.jar!/(?!dev/loadsplitter/examples/).*");
        private final ImportOption noTestFolders = new ImportOption.DoNotIncludeTests();

        @Override
        public boolean includes(Location location) {
            return noTestFolders.includes(location)
                    && !location.contains("-tests.jar")
                    && !location.matches(SHADED_COPY);
        }
    }
}
