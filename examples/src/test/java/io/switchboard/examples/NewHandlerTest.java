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
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/new-handler as a handler author runs it: a new project outside the checkout, built with
 * its own ./mvnw (Switchboard's wrapper) with no JAVA_HOME, whatever {@code java} is on the
 * PATH (17 on the build machines), offline, and without installing Switchboard.
 */
@Timeout(300)
class NewHandlerTest {

    private static final Path BIN = Path.of("..", "bin").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** Exit code, and stdout and stderr together, of a command run in {@code cwd}. */
    private record Run(int exit, String output) {
    }

    private Run run(Path cwd, long timeoutSeconds, String... command) throws Exception {
        Path log = Files.createTempFile(dir, "run", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.remove("JAVA_HOME"); // the wrapper must find a JDK 21+ by itself
        env.keySet().removeIf(k -> k.startsWith("MAVEN_") && !k.equals("MAVEN_USER_HOME"));
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " still running after " + timeoutSeconds
                    + " s:\n" + tail(Files.readString(log, StandardCharsets.UTF_8)));
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** The last 150 lines: enough to see a failing build's reason. */
    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 150), lines.size()));
    }

    @Test
    void aNewProjectBuildsAndPassesItsFrameworkTestOfflineWithTheWrapper() throws Exception {
        Run made = run(dir, 60, BIN.resolve("new-handler").toString(), "shout", dir.toString());
        Path project = dir.resolve("shout");
        assertEquals(0, made.exit(), made.output());
        assertTrue(made.output().startsWith("Created " + project + ": ShoutHandler on /shout\n"), made.output());
        assertTrue(Files.isRegularFile(project.resolve("src/main/java/com/example/shout/ShoutHandler.java")));

        // -o with file repositories still allowed: nothing may come from the network.
        Run build = run(project, 280, project.resolve("mvnw").toString(), "-B", "-o",
                "-Daether.offline.protocols=file", "verify");
        assertEquals(0, build.exit(), () -> tail(build.output()));
        assertTrue(build.output().contains("Downloaded from switchboard: file://" + project.toUri().getPath()
                + "switchboard-repo/io/switchboard/switchboard-api/"),
                () -> "switchboard-api from the project's own repository:\n" + tail(build.output()));

        try (JarFile jar = new JarFile(project.resolve("target/shout-1.0.0.jar").toFile())) {
            assertEquals("OSGI-INF/com.example.shout.ShoutHandler.xml",
                    jar.getManifest().getMainAttributes().getValue("Service-Component"));
            String component = new String(jar.getInputStream(jar.getEntry("OSGI-INF/com.example.shout.ShoutHandler.xml"))
                    .readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(component.contains("name=\"switchboard.websocket.path\" type=\"String\" value=\"/shout\""), component);
        }
        String report = Files.readString(project.resolve("target/failsafe-reports/TEST-com.example.shout.ShoutHandlerIT.xml"));
        assertTrue(report.contains("tests=\"1\" errors=\"0\" skipped=\"0\" failures=\"0\""), report);
    }

    @Test
    void anExistingFolderIsLeftAloneWithOneLine() throws Exception {
        Path existing = Files.createDirectory(dir.resolve("shout"));
        Files.writeString(existing.resolve("keep.txt"), "mine");
        Run run = run(dir, 60, BIN.resolve("new-handler").toString(), "shout");
        assertEquals(new Run(1, "new-handler: " + existing + " already exists\n"), run);
        assertEquals(List.of(existing.resolve("keep.txt")), list(existing));
    }

    private static List<Path> list(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return new ArrayList<>(files.toList());
        }
    }
}
