package dev.mmrag.langchain4j;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.mmrag.test.ArchitectureRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks DESIGN.md's rules for mmrag-langchain4j: only the JDK, the api, LangChain4j and (through LangChain4j's
 * types) nothing else; no other adapter, not even mmrag-core; one package tree.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = ArchitectureRules.importModuleClasses();
    }

    @Test
    void usesOnlyTheJdkTheApiAndLangChain4j() {
        ArchitectureRules.onlyDependsOn("dev.mmrag.langchain4j", ArchitectureRules.API, "dev.langchain4j").check(classes);
    }

    @Test
    void usesNoOtherAdapter() {
        ArchitectureRules.adapterIsIndependent("dev.mmrag.langchain4j").check(classes);
    }

    @Test
    void staysInItsPackage() {
        ArchitectureRules.staysInItsPackage("dev.mmrag.langchain4j").check(classes);
    }
}
