package dev.mmrag.lucene;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.mmrag.test.ArchitectureRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks DESIGN.md's rules for mmrag-lucene: only the JDK, the api, mmrag-core's {@code dev.mmrag.core.io} and
 * Lucene; no other adapter; one package tree.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = ArchitectureRules.importModuleClasses();
    }

    @Test
    void indexUsesOnlyTheJdkTheApiAndLucene() {
        ArchitectureRules.onlyDependsOn("dev.mmrag.lucene", ArchitectureRules.API, "dev.mmrag.core.io",
                "org.apache.lucene")
                .check(classes);
    }

    @Test
    void indexUsesNoOtherAdapter() {
        ArchitectureRules.adapterIsIndependent("dev.mmrag.lucene").check(classes);
    }

    @Test
    void indexClassesStayInItsPackage() {
        ArchitectureRules.staysInItsPackage("dev.mmrag.lucene").check(classes);
    }
}
