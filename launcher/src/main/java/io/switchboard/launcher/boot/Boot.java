package io.switchboard.launcher.boot;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import sun.misc.Signal;

/**
 * The launcher's entry point, compiled for Java 17 so that it runs on older default JDKs.
 * On Java 21 or newer it starts the launcher in this JVM. On an older Java it looks for an
 * installed JDK 21+ (JAVA_HOME, then the usual install folders) and runs this same jar on it,
 * passing arguments, JVM options, standard streams, signals and the exit code through. When
 * there is none, it prints one line naming the version needed and exits with 1.
 *
 * <p>The hand-over keeps it one process as far as operators can tell: the child watches its
 * parent and stops (closing sessions with 1001, as on SIGTERM) as soon as the parent is gone, on
 * any signal including SIGKILL, so it never outlives it holding the port; the parent passes
 * SIGTERM and Ctrl-C on and exits with the child's code. {@code --version} is answered here,
 * on any Java.
 */
public final class Boot {

    static final int REQUIRED = 21;
    private static final String LAUNCHER = "io.switchboard.launcher.Launcher";

    private Boot() {
    }

    /** Set on the child of a hand-over: the pid of the parent it must not outlive. */
    static final String PARENT_PID = "switchboard.boot.parent";

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--version")) {
            System.out.println(version());
            return;
        }
        if (Runtime.version().feature() >= REQUIRED) {
            watchParent();
            Class.forName(LAUNCHER).getMethod("main", String[].class).invoke(null, (Object) args);
            return;
        }
        Optional<Path> java = findJava();
        if (java.isEmpty()) {
            System.err.println("Switchboard needs Java " + REQUIRED + " or newer; this is Java "
                    + Runtime.version().feature() + " and no JDK " + REQUIRED + "+ was found (set JAVA_HOME to one).");
            System.exit(1);
        }
        System.exit(handOver(java.get(), args));
    }

    private static int handOver(Path java, String[] args) throws IOException, InterruptedException {
        String jar = jarPath().toString();
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        if (feature(java.getParent().getParent()) >= 23) {
            // Felix still reads static fields through sun.misc.Unsafe; don't warn users about it.
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        List<String> given = ManagementFactory.getRuntimeMXBean().getInputArguments();
        command.addAll(memoryFlags(feature(java.getParent().getParent()), given));
        command.addAll(given);
        command.add("-D" + PARENT_PID + "=" + ProcessHandle.current().pid());
        command.add("-jar");
        command.add(jar);
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).inheritIO().start();
        // SIGTERM or Ctrl-C here: pass it on as SIGTERM, wait for the launcher's own orderly
        // shutdown, and exit with its code (0), not the JVM's 143 for a signal.
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                child.destroy();
                try {
                    System.exit(child.waitFor());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    System.exit(1);
                }
            });
        }
        return child.waitFor();
    }

    /**
     * JVM flags for a server that holds many mostly idle sessions, for the JDK {@code feature}
     * the launcher hands over to, leaving out any the command line already sets ({@code given}):
     * compact object headers (JDK 25+, 4 bytes less per object), 1 MB G1 regions (with G1: the
     * heap shrinks and grows in finer steps) and a native-heap trim every 500 ms (JDK 22+: the C
     * heap returns what a burst of handshakes took). With the launcher's heap ratios
     * ({@code HeapDefaults}) they took resident memory per idle session from 3.7 to 2.4 KiB. A
     * JVM started directly on JDK 21+ runs with its own flags.
     */
    static List<String> memoryFlags(int feature, List<String> given) {
        List<String> flags = new ArrayList<>();
        boolean otherCollector = given.stream().anyMatch(a -> a.startsWith("-XX:+Use") && a.endsWith("GC")
                && !a.equals("-XX:+UseG1GC"));
        if (feature >= 25 && given.stream().noneMatch(a -> a.contains("CompactObjectHeaders"))) {
            flags.add("-XX:+UseCompactObjectHeaders");
        }
        if (!otherCollector && given.stream().noneMatch(a -> a.startsWith("-XX:G1HeapRegionSize"))) {
            flags.add("-XX:G1HeapRegionSize=1m");
        }
        if (feature >= 22 && given.stream().noneMatch(a -> a.startsWith("-XX:TrimNativeHeapInterval"))) {
            flags.add("-XX:TrimNativeHeapInterval=500");
        }
        return flags;
    }

    /**
     * On the child of a hand-over: when the parent ends, however it ends (SIGKILL included, which
     * it cannot pass on), raise SIGTERM here, so the launcher stops as it does on SIGTERM and
     * the port is free again.
     */
    private static void watchParent() {
        String pid = System.getProperty(PARENT_PID);
        if (pid == null) {
            return;
        }
        Optional<ProcessHandle> parent;
        try {
            parent = ProcessHandle.of(Long.parseLong(pid));
        } catch (NumberFormatException e) {
            return;
        }
        if (parent.isEmpty() || ProcessHandle.current().parent().map(p -> p.pid() != Long.parseLong(pid)).orElse(true)) {
            Signal.raise(new Signal("TERM")); // the parent is gone already (we were re-parented)
            return;
        }
        parent.get().onExit().thenRun(() -> {
            System.err.println("switchboard: the launching process " + pid + " ended; stopping");
            Signal.raise(new Signal("TERM"));
        });
    }

    /** {@code Switchboard <version> (commit <hash>)}, from the jar's manifest. */
    static String version() {
        String version = "unknown";
        String commit = "unknown";
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(jarPath().toFile())) {
            java.util.jar.Manifest manifest = jar.getManifest();
            if (manifest != null) {
                version = Optional.ofNullable(manifest.getMainAttributes().getValue("Switchboard-Version")).orElse(version);
                String c = manifest.getMainAttributes().getValue("Switchboard-Commit");
                if (c != null && !c.isBlank()) {
                    commit = c;
                }
            }
        } catch (IOException | RuntimeException e) {
            // run from classes, not a jar: unknown
        }
        return "Switchboard " + version + " (commit " + commit + ")";
    }

    /** The file this class was loaded from; a URI, not URL.getPath(), so "%20" becomes a space again. */
    static Path jarPath() {
        try {
            return Path.of(Boot.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the launcher jar", e);
        }
    }

    /** A JDK 21+ java executable: JAVA_HOME first, then the newest in the usual folders. */
    static Optional<Path> findJava() {
        String home = System.getenv("JAVA_HOME");
        if (home != null && feature(Path.of(home)) >= REQUIRED) {
            return Optional.of(Path.of(home, "bin", "java"));
        }
        Path best = null;
        int bestVersion = 0;
        String user = System.getProperty("user.home");
        for (String root : List.of("/usr/lib/jvm", "/usr/java", "/opt/java", "/opt",
                user + "/.sdkman/candidates/java", user + "/.jdks", "/Library/Java/JavaVirtualMachines")) {
            Path dir = Path.of(root);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> homes = Files.list(dir)) {
                for (Path candidate : homes.toList()) {
                    Path jdk = Files.isDirectory(candidate.resolve("Contents/Home")) ? candidate.resolve("Contents/Home") : candidate;
                    int v = feature(jdk);
                    if (v >= REQUIRED && v > bestVersion) {
                        best = jdk;
                        bestVersion = v;
                    }
                }
            } catch (IOException e) {
                // unreadable folder: look elsewhere
            }
        }
        return Optional.ofNullable(best).map(b -> b.resolve("bin").resolve("java"));
    }

    /** The feature version of the JDK at {@code home} from its release file, or 0. */
    static int feature(Path home) {
        Path release = home.resolve("release");
        if (!Files.isExecutable(home.resolve("bin").resolve("java")) || !Files.isReadable(release)) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(release)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    int end = 0;
                    while (end < v.length() && Character.isDigit(v.charAt(end))) {
                        end++;
                    }
                    return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
