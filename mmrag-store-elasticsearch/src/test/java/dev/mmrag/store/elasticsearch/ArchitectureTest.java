package dev.mmrag.store.elasticsearch;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.mmrag.test.ArchitectureRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks DESIGN.md's rules for mmrag-store-elasticsearch: only the JDK, the api and the Elasticsearch Java client
 * (with the REST client, Apache HttpComponents and Jakarta JSON it is built on); no other adapter; one package tree.
 */
class ArchitectureTest {

    private static final String PACKAGE = "dev.mmrag.store.elasticsearch";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = ArchitectureRules.importModuleClasses();
    }

    @Test
    void usesOnlyTheJdkTheApiAndTheElasticsearchClient() {
        ArchitectureRules.onlyDependsOn(PACKAGE, ArchitectureRules.API, "co.elastic.clients", "org.elasticsearch.client",
                "org.apache.http", "jakarta.json").check(classes);
    }

    @Test
    void usesNoOtherAdapter() {
        ArchitectureRules.adapterIsIndependent(PACKAGE).check(classes);
    }

    @Test
    void staysInItsPackage() {
        ArchitectureRules.staysInItsPackage(PACKAGE).check(classes);
    }
}
