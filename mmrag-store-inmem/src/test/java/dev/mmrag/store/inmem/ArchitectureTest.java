package dev.mmrag.store.inmem;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.mmrag.test.ArchitectureRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks DESIGN.md's rules for mmrag-store-inmem: only the JDK (with the Vector API incubator module), the api,
 * core's file mechanism ({@code dev.mmrag.core.io}, not the rest of core) and hnswlib; no other adapter; one package
 * tree.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = ArchitectureRules.importModuleClasses();
    }

    @Test
    void storeUsesOnlyTheJdkTheApiCoreIoAndHnswlib() {
        ArchitectureRules.onlyDependsOn("dev.mmrag.store.inmem", ArchitectureRules.API, "dev.mmrag.core.io",
                "com.github.jelmerk.hnswlib", "jdk.incubator.vector").check(classes);
    }

    @Test
    void storeUsesNoOtherAdapter() {
        ArchitectureRules.adapterIsIndependent("dev.mmrag.store.inmem").check(classes);
    }

    @Test
    void storeClassesStayInTheStorePackage() {
        ArchitectureRules.staysInItsPackage("dev.mmrag.store.inmem").check(classes);
    }
}
