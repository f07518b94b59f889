package dev.mmrag.ffmpeg;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.mmrag.test.ArchitectureRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks DESIGN.md's rules for mmrag-ffmpeg: only the JDK, the api, JavaCV and JavaCPP's FFmpeg; no other adapter. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = ArchitectureRules.importModuleClasses();
    }

    @Test
    void segmenterUsesOnlyTheJdkTheApiAndFfmpeg() {
        ArchitectureRules.onlyDependsOn("dev.mmrag.ffmpeg", ArchitectureRules.API, "org.bytedeco").check(classes);
    }

    @Test
    void segmenterUsesNoOtherAdapter() {
        ArchitectureRules.adapterIsIndependent("dev.mmrag.ffmpeg").check(classes);
    }

    @Test
    void segmenterClassesStayInItsPackage() {
        ArchitectureRules.staysInItsPackage("dev.mmrag.ffmpeg").check(classes);
    }
}
