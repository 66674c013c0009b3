package io.switchboard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code java -jar launcher.jar} child processes one integration test starts, and bounded
 * waits on them: for an output line, for the end of an output, for the exit. Every wait that
 * fails says whether the child is alive and what it wrote to stderr. Closing it (after each test)
 * kills every child and whatever each started. One test thread uses it.
 */
final class LauncherProcesses implements AutoCloseable {

    /** The jar the package phase built. */
    static final Path JAR = Path.of("target", "launcher.jar").toAbsolutePath();
    /** The java running the tests (the build's JDK 21+). */
    static final String JAVA = ProcessHandle.current().info().command().orElseThrow();
    /** A Java 17, to check the hand-over to a newer JDK; tests that need it are skipped where there is none. */
    static final Path JAVA_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");

    private static final Pattern READY_LINE =
            Pattern.compile("Switchboard ready: ws://127\\.0\\.0\\.1:(\\d+)/ws \\(deploy folder (.+?)\\)( features: .*)?");

    private final List<Child> started = new ArrayList<>();

    /** Starts {@code java -jar jar args} with its stdin closed and without {@code JAVA_TOOL_OPTIONS}. */
    Child launch(String java, Path jar, String... args) throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built in the package phase");
        List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Child child = new Child(builder.start());
        started.add(child);
        return child;
    }

    /** A launcher from {@link #JAR} serving on a free loopback port with these folders; {@code flags} come last. */
    Child launchServing(String java, Path deploy, Path cache, String... flags) throws IOException {
        List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0", "--deploy", deploy.toString(),
                "--cache", cache.toString()));
        args.addAll(List.of(flags));
        return launch(java, JAR, args.toArray(String[]::new));
    }

    @Override
    public void close() throws InterruptedException {
        for (Child child : started) {
            Process p = child.process;
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** One child process; its stdout and stderr are read on virtual threads as the lines come. */
    static final class Child {
        private final Process process;
        private final Output stdout;
        private final Output stderr;

        private Child(Process process) throws IOException {
            this.process = process;
            process.getOutputStream().close();
            Supplier<String> state = () -> "alive=" + process.isAlive() + ", stderr so far:\n" + stderr().text();
            this.stdout = new Output("stdout", process.getInputStream(), state);
            this.stderr = new Output("stderr", process.getErrorStream(), state);
        }

        Process process() {
            return process;
        }

        Output stdout() {
            return stdout;
        }

        Output stderr() {
            return stderr;
        }

        /** Waits for the ready line, checks the deploy folder it names, and returns the port. */
        int awaitReady(Path deploy, Duration limit) throws InterruptedException {
            Matcher m = READY_LINE.matcher(stdout.await(READY_LINE, limit));
            assertTrue(m.matches(), m::toString);
            assertEquals(deploy.toAbsolutePath().normalize().toString(), m.group(2));
            return Integer.parseInt(m.group(1));
        }

        /** Waits for the child to exit; returns its exit code. */
        int awaitExit(Duration limit) throws InterruptedException {
            assertTrue(process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS),
                    () -> "still running " + limit.toSeconds() + " s later; stderr so far:\n" + stderr.text());
            return process.exitValue();
        }
    }

    /** One output stream of a child, read line by line as it comes. */
    static final class Output {
        /** Put after the last line; compared by identity. */
        private static final String END = new String("<end of stream>");

        private final String name;
        private final Supplier<String> childState;
        /** Lines {@link #await} has not passed yet, then {@link #END}. */
        private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final CountDownLatch ended = new CountDownLatch(1);

        private Output(String name, InputStream in, Supplier<String> childState) {
            this.name = name;
            this.childState = childState;
            Thread.ofVirtual().start(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        lines.add(line);
                        unread.add(line);
                    }
                } catch (IOException e) {
                    // the child is gone
                }
                unread.add(END);
                ended.countDown();
            });
        }

        /**
         * The next line, after those earlier calls passed, in which {@code pattern} is found; the
         * lines before it are passed over. Fails if the stream ends or {@code limit} passes first.
         */
        String await(Pattern pattern, Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (true) {
                String line = unread.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line == END) {
                    if (line == END) {
                        unread.add(END); // ended for later calls too
                    }
                    throw new AssertionError("no " + name + " line matching " + pattern + (line == null
                            ? " within " + limit.toSeconds() + " s" : " before the stream ended") + "; " + childState.get());
                }
                if (pattern.matcher(line).find()) {
                    return line;
                }
            }
        }

        /** Every line, once the stream has ended; fails if it has not ended within {@code limit}. */
        List<String> untilEnd(Duration limit) throws InterruptedException {
            assertTrue(ended.await(limit.toMillis(), TimeUnit.MILLISECONDS),
                    () -> name + " still open " + limit.toSeconds() + " s later; " + childState.get());
            return List.copyOf(lines);
        }

        /** The lines read so far. */
        List<String> lines() {
            return List.copyOf(lines);
        }

        /** The lines read so far, each followed by a newline. */
        String text() {
            StringBuilder text = new StringBuilder();
            lines.forEach(line -> text.append(line).append('\n'));
            return text.toString();
        }
    }
}
