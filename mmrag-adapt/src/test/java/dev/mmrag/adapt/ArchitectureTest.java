package dev.mmrag.adapt;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.mmrag.test.ArchitectureRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks DESIGN.md's rules for mmrag-adapt: only the JDK (with the Vector API incubator module), the api and core;
 * no adapter module (it wraps any encoder through the port); one package tree.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = ArchitectureRules.importModuleClasses();
    }

    @Test
    void adaptUsesOnlyTheJdkTheApiAndCore() {
        ArchitectureRules.onlyDependsOn("dev.mmrag.adapt", ArchitectureRules.API, "dev.mmrag.core",
                "jdk.incubator.vector").check(classes);
    }

    @Test
    void adaptUsesNoAdapterModule() {
        ArchitectureRules.adapterIsIndependent("dev.mmrag.adapt").check(classes);
    }

    @Test
    void adaptClassesStayInTheAdaptPackage() {
        ArchitectureRules.staysInItsPackage("dev.mmrag.adapt").check(classes);
    }
}
