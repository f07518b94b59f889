package dev.mmrag.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.mmrag.test.ArchitectureRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks DESIGN.md's rules for mmrag-core: only the JDK, the api and Guava; one package tree. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = ArchitectureRules.importModuleClasses();
    }

    @Test
    void coreUsesOnlyTheJdkTheApiAndGuava() {
        ArchitectureRules.onlyDependsOn("dev.mmrag.core", ArchitectureRules.API, "com.google.common").check(classes);
    }

    @Test
    void coreClassesStayInTheCorePackage() {
        ArchitectureRules.staysInItsPackage("dev.mmrag.core").check(classes);
    }
}
