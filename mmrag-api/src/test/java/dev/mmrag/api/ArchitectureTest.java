package dev.mmrag.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md's rules for mmrag-api: the ports and value types use the JDK only (so no third-party type can appear
 * in a port's signature), and every class lives in {@code dev.mmrag.api}. (The shared rules in mmrag-test
 * cannot be used here: mmrag-test depends on this module.)
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().importPath(Path.of("target", "classes"));
    }

    @Test
    void apiUsesOnlyTheJdk() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.mmrag.api..")
                .check(classes);
    }

    @Test
    void apiClassesStayInTheApiPackage() {
        classes().should().resideInAPackage("dev.mmrag.api").check(classes);
    }
}
