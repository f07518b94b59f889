package dev.mmrag.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The provider modules are optional dependencies of mmrag-langchain4j: a preset whose module is missing fails with
 * the artifact to add. Each case loads mmrag-langchain4j afresh in a class loader over the test class path
 * without that provider's jar (so the JVM really lacks the classes, as in an application that did not declare
 * the module), builds that provider's generator there and, as a control, a generator of another provider.
 */
class OptionalProviderTest {

    @ParameterizedTest
    @EnumSource(LlmProvider.class)
    void aPresetWhoseModuleIsMissingNamesTheArtifactToAdd(LlmProvider provider) throws Exception {
        String artifact = ProviderArtifacts.artifact(provider);
        String jarPrefix = artifact.substring(artifact.indexOf(':') + 1) + "-";
        try (URLClassLoader loader = classPathWithout(jarPrefix)) {
            Throwable failure = buildIn(loader, provider);
            assertThat(failure).as("building %s without %s", provider, artifact).isNotNull();
            assertThat(failure.getClass().getName()).isEqualTo("dev.mmrag.api.MmragException");
            assertThat(failure.getMessage()).contains(artifact)
                    .contains("<artifactId>" + artifact.split(":")[1] + "</artifactId>")
                    .contains("the " + provider.id() + " provider");

            LlmProvider other = provider == LlmProvider.OLLAMA ? LlmProvider.OPENAI : LlmProvider.OLLAMA;
            assertThat(buildIn(loader, other)).as("building %s, whose module is there", other).isNull();
        }
    }

    /** @return what building the provider's generator threw in that loader, or null when it was built */
    private static Throwable buildIn(ClassLoader loader, LlmProvider provider) throws Exception {
        Class<?> providers = Class.forName(LlmProvider.class.getName(), true, loader);
        Class<?> generator = Class.forName(LangChain4jGenerator.class.getName(), true, loader);
        Object constant = providers.getMethod("valueOf", String.class).invoke(null, provider.name());
        Object builder = generator.getMethod("forProvider", providers).invoke(null, constant);
        builder.getClass().getMethod("apiKey", String.class).invoke(builder, "test-key");
        Method build = builder.getClass().getMethod("build");
        try {
            build.invoke(builder);
            return null;
        } catch (InvocationTargetException e) {
            return e.getCause();
        }
    }

    /** A loader over the test class path (as Surefire gives it) minus the jars whose names start with the prefix. */
    private static URLClassLoader classPathWithout(String jarPrefix) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        int removed = 0;
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            File file = new File(entry);
            if (file.getName().startsWith(jarPrefix) && file.getName().endsWith(".jar")) {
                removed++;
                continue;
            }
            urls.add(file.toURI().toURL());
        }
        assertThat(removed).as("jars named %s* on the test class path", jarPrefix).isEqualTo(1);
        return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    }
}
