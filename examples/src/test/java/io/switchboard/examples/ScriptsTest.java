package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scripts in bin/ as a user runs them: from another working directory, with a JDK whose
 * path has a space, with bad arguments.
 */
@Timeout(60)
class ScriptsTest {

    private static final Path BIN = Path.of("..", "bin").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** Exit code, stdout and stderr of a script run in {@link #dir}. */
    private record Run(int exit, String out, String err) {
    }

    private Run run(Map<String, String> env, String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(BIN.resolve(script).toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), () -> script + " still running");
        return new Run(process.exitValue(), read(out), read(err));
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    @Test
    void findJdkTakesAJavaHomeWhosePathHasASpace() throws Exception {
        Path jdk = Files.createSymbolicLink(dir.resolve("a jdk"), Path.of(System.getProperty("java.home")));
        Run run = run(Map.of("JAVA_HOME", jdk.toString()), "find-jdk", "21");
        assertEquals(new Run(0, jdk + "\n", ""), run);
    }

    @Test
    void badArgumentsGetOneUsageLineAndExitCode2() throws Exception {
        List<List<String>> cases = List.of(List.of("run-example"), List.of("run-example", "Foo"),
                List.of("run-example", "--help"), List.of("run-example", "EchoServer", "127.0.0.1", "abc"),
                List.of("run-example", "EchoServer", "127.0.0.1", "70000"),
                List.of("run-example", "EchoClient", "ws://127.0.0.1:1/ws", "extra"),
                List.of("bench", "abc"), List.of("bench", "0"), List.of("bench", "-5"), List.of("bench", "1", "2"),
                List.of("bench-fanout", "abc"), List.of("bench-fanout", "0"), List.of("bench-fanout", "10", "x"),
                List.of("bench-fanout", "10", "10", "http://h:1"), List.of("bench-fanout", "1", "2", "redis://h:1", "x"),
                List.of("bench-tls", "abc"), List.of("bench-tls", "0"), List.of("bench-tls", "1", "0"),
                List.of("bench-tls", "1", "2", "3"), List.of("bench-tls", "--fast"),
                List.of("new-handler"), List.of("new-handler", "Shout"), List.of("new-handler", "my-handler"),
                List.of("new-handler", "1st"), List.of("new-handler", "a", "b", "c"), List.of("new-handler", "a", ""));
        for (List<String> c : cases) {
            Run run = run(Map.of(), c.get(0), c.subList(1, c.size()).toArray(String[]::new));
            assertEquals(2, run.exit(), () -> c + ": " + run);
            assertEquals("", run.out(), () -> c + ": " + run);
            assertTrue(run.err().startsWith("usage: bin/" + c.get(0) + " ") && run.err().indexOf('\n') == run.err().length() - 1,
                    () -> c + ": " + run);
        }
    }
}
