package dev.mmrag.store.inmem;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts {@link ChildStoreMain} in a new JVM with this test run's class path, with or without the Vector API
 * module, for the tests that need a process of their own (killing one mid-save, running without the module).
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
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (withVectorModule) {
            command.add("--add-modules");
            command.add(VectorKernel.VECTOR_MODULE);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildStoreMain.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
