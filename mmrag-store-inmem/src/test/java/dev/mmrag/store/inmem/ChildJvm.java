package dev.mmrag.store.inmem;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts {@link ChildStoreMain} in a new JVM with this test run's class path, with or without the Vector API
 * module or with other options, for the tests that need a process of their own (killing one mid-save, running
 * without the module, loading files in a small heap).
 *
 * <p>Thread-safety: stateless.
 */
final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * @param withVectorModule whether to pass {@code --add-modules jdk.incubator.vector}
     * @param args the arguments of {@link ChildStoreMain}
     * @return the started process; its standard error goes to this JVM's
     * @throws IOException when it cannot be started
     */
    static Process start(boolean withVectorModule, String... args) throws IOException {
        return start(withVectorModule ? List.of("--add-modules", VectorKernel.VECTOR_MODULE) : List.of(), args);
    }

    /**
     * @param jvmOptions options for the new JVM, such as {@code -Xmx32m}
     * @param args the arguments of {@link ChildStoreMain}
     * @return the started process; its standard error goes to this JVM's
     * @throws IOException when it cannot be started
     */
    static Process start(List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildStoreMain.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
