package dev.mmrag.test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The dependency rules of mmrag's design (docs: DESIGN.md, "Modules"), as ArchUnit rules that each module's
 * {@code ArchitectureTest} checks against its own production classes:
 * <ul>
 *   <li>{@code mmrag-api} uses only {@code java.*};</li>
 *   <li>{@code mmrag-core} uses only {@code java.*}, the api and Guava;</li>
 *   <li>no adapter uses another adapter's package;</li>
 *   <li>every class of a module lives under the module's own package (so no package is split across modules).</li>
 * </ul>
 *
 * <p>Thread-safety: stateless.
 */
public final class ArchitectureRules {

    /** The root package of every mmrag class. */
    public static final String ROOT = "dev.mmrag";
    /** The api package. */
    public static final String API = "dev.mmrag.api";

    /** The packages of the adapter modules. */
    public static final List<String> ADAPTERS = List.of(
            "dev.mmrag.onnx", "dev.mmrag.store.inmem", "dev.mmrag.store.elasticsearch", "dev.mmrag.langchain4j",
            "dev.mmrag.lucene",
            "dev.mmrag.ffmpeg");

    private ArchitectureRules() {
    }

    /**
     * Imports the production classes of the module under test: its {@code target/classes} folder (the working
     * directory of a Maven test run is the module's folder), not its tests and not its dependencies.
     *
     * @return its classes
     */
    public static JavaClasses importModuleClasses() {
        Path classes = Path.of("target", "classes");
        if (!Files.isDirectory(classes)) {
            throw new IllegalStateException("no compiled classes at " + classes.toAbsolutePath()
                    + "; run the architecture test from the module's folder (as Maven does)");
        }
        return new ClassFileImporter().importPath(classes);
    }

    /**
     * @param modulePackage the module's package
     * @param allowedPackages package prefixes it may use besides the JDK's {@code java.*} and {@code javax.*} and its
     *     own package
     * @return a rule that its classes depend on nothing else
     */
    public static ArchRule onlyDependsOn(String modulePackage, String... allowedPackages) {
        List<String> allowed = new ArrayList<>();
        allowed.add("java..");
        allowed.add("javax..");
        allowed.add(modulePackage + "..");
        for (String p : allowedPackages) {
            allowed.add(p + "..");
        }
        return classes().that().resideInAPackage(modulePackage + "..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(allowed.toArray(new String[0]))
                .because("DESIGN.md fixes what each module may depend on");
    }

    /**
     * @param adapterPackage an adapter module's package
     * @return a rule that it uses no other adapter
     */
    public static ArchRule adapterIsIndependent(String adapterPackage) {
        String[] others = ADAPTERS.stream().filter(p -> !p.equals(adapterPackage)).map(p -> p + "..")
                .toArray(String[]::new);
        return noClasses().that().resideInAPackage(adapterPackage + "..")
                .should().dependOnClassesThat().resideInAnyPackage(others)
                .because("no adapter module depends on another adapter");
    }

    /**
     * @param modulePackage the module's package
     * @return a rule that every class of the module lives under it (no split packages)
     */
    public static ArchRule staysInItsPackage(String modulePackage) {
        return classes().should().resideInAPackage(modulePackage + "..")
                .because("every module owns one package tree, so no package is split across modules");
    }
}
