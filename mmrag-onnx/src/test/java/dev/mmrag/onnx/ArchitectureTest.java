package dev.mmrag.onnx;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.mmrag.test.ArchitectureRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks DESIGN.md's rules for mmrag-onnx: only the JDK (with ImageIO, the DOM nodes its image metadata comes as,
 * and the Vector API incubator module, which only {@code SimdResampleKernel} uses, when the JVM has it), the api, ONNX Runtime, DJL's tokenizers and Gson (for
 * the model's JSON files; it comes with DJL); no other adapter; one package tree.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = ArchitectureRules.importModuleClasses();
    }

    @Test
    void onnxUsesOnlyTheJdkTheApiOnnxRuntimeDjlTokenizersAndGson() {
        ArchitectureRules.onlyDependsOn("dev.mmrag.onnx", ArchitectureRules.API, "javax.imageio", "org.w3c.dom", "jdk.incubator.vector",
                "ai.onnxruntime",
                "ai.djl.huggingface.tokenizers", "com.google.gson").check(classes);
    }

    @Test
    void onnxUsesNoOtherAdapter() {
        ArchitectureRules.adapterIsIndependent("dev.mmrag.onnx").check(classes);
    }

    @Test
    void onnxClassesStayInTheOnnxPackage() {
        ArchitectureRules.staysInItsPackage("dev.mmrag.onnx").check(classes);
    }
}
