package io.switchboard.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Handler bundles built by the tests: one activator class, compiled with the JDK's javac (found
 * as a {@link java.util.spi.ToolProvider}, which needs no module read edge from the patched test
 * module, unlike {@code javax.tools}) against the api bundle and Felix's {@code org.osgi.framework}, in a jar with a
 * hand-written manifest. The activator registers a {@code WebSocketHandler} service on a path
 * that answers every text message with a prefix followed by the text ({@code "v1:" + text}).
 *
 * <pre>{@code
 * TestBundles.handler("test.t").version("2.0.0").reply("v2:").writeTo(deploy.resolve("t.jar"));
 * }</pre>
 *
 * <p>Compiled classes are cached per source text, so building many variants stays cheap.
 * Thread-safe.
 */
final class TestBundles {

    /** The api bundle the launcher carries; test handlers import its package. */
    static final Path API_JAR = classPathResource("/bundles/switchboard-api.jar");
    /** The jar (or folder) holding Felix, for {@code org.osgi.framework}. */
    static final Path FELIX = codeSource(org.osgi.framework.Bundle.class);

    private static final Map<String, Map<String, byte[]>> COMPILED = new ConcurrentHashMap<>();

    private TestBundles() {
    }

    /** A handler bundle with symbolic name {@code symbolicName}, version 1.0.0, path /t, reply "v1:". */
    static Handler handler(String symbolicName) {
        return new Handler(symbolicName);
    }

    /** A library bundle with no classes that exports {@code packageName}, for handlers that import it. */
    static byte[] library(String symbolicName, String packageName) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Export-Package", packageName);
        return jar(manifest, Map.of());
    }

    /** A handler bundle under construction; every setter returns this. */
    static final class Handler {
        private String symbolicName;
        private String version = "1.0.0";
        private String path = "/t";
        private String reply = "v1:";
        private Integer ranking;
        private boolean activatorThrows;
        private boolean handlerThrows;
        private long startDelayMillis;
        private final List<String> extraImports = new ArrayList<>();

        private Handler(String symbolicName) {
            this.symbolicName = symbolicName;
        }

        Handler version(String v) {
            version = v;
            return this;
        }

        Handler path(String p) {
            path = p;
            return this;
        }

        /** The prefix put before every text echoed. */
        Handler reply(String prefix) {
            reply = prefix;
            return this;
        }

        Handler ranking(int r) {
            ranking = r;
            return this;
        }

        /** The activator's start throws, after nothing was registered. */
        Handler activatorThrows() {
            activatorThrows = true;
            return this;
        }

        /** The handler throws on every connection instead of echoing. */
        Handler handlerThrows() {
            handlerThrows = true;
            return this;
        }

        /**
         * The activator takes this long before it registers its service: a slow start that
         * widens the moment during an update when the path has no handler. The pause is the
         * bundle's own behaviour under test (a third-party activator that is slow to start), run
         * inside the framework, not a wait of the test's: the tests that use it wait on bundle
         * states and replies.
         */
        Handler slowStart(long millis) {
            startDelayMillis = millis;
            return this;
        }

        /** Adds a package to Import-Package (e.g. one nobody exports). */
        Handler importing(String importClause) {
            extraImports.add(importClause);
            return this;
        }

        /** Leaves Bundle-SymbolicName out of the manifest: a plain jar, not a bundle. */
        Handler withoutSymbolicName() {
            symbolicName = null;
            return this;
        }

        byte[] bytes() {
            Manifest manifest = new Manifest();
            Attributes main = manifest.getMainAttributes();
            main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            main.putValue("Bundle-ManifestVersion", "2");
            if (symbolicName != null) {
                main.putValue("Bundle-SymbolicName", symbolicName);
            }
            main.putValue("Bundle-Version", version);
            main.putValue("Bundle-Activator", "testhandler.Activator");
            List<String> imports = new ArrayList<>(List.of("io.switchboard.api;version=\"[1.0,2)\"", "org.osgi.framework"));
            imports.addAll(extraImports);
            main.putValue("Import-Package", String.join(",", imports));
            return jar(manifest, compile("Activator", source()));
        }

        /** Writes the bundle to {@code file} in one go (through a sibling .tmp file and a rename). */
        Path writeTo(Path file) {
            return writeAtomically(file, bytes());
        }

        private String source() {
            String properties = "p.put(WebSocketHandler.PATH_PROPERTY, " + literal(path) + ");"
                    + (ranking == null ? "" : " p.put(\"service.ranking\", " + ranking + ");");
            String body = handlerThrows
                    ? "throw new IllegalStateException(\"this handler always fails\");"
                    : """
                      Message m;
                      while ((m = ws.read()) != null) {
                          if (m instanceof Message.Text t) {
                              // "late" loads a class the session has not used before
                              ws.send(t.text().equals("late") ? new Late(%1$s).toString() : %1$s + t.text());
                          }
                      }""".formatted(literal(reply));
            return """
                    package testhandler;

                    import io.switchboard.api.Message;
                    import io.switchboard.api.WebSocketHandler;
                    import java.util.Hashtable;
                    import org.osgi.framework.BundleActivator;
                    import org.osgi.framework.BundleContext;

                    public class Activator implements BundleActivator {
                        public void start(BundleContext context) throws Exception {
                            %s
                            %s
                            WebSocketHandler handler = (request, ws) -> {
                                %s
                            };
                            Hashtable<String, Object> p = new Hashtable<>();
                            %s
                            context.registerService(WebSocketHandler.class, handler, p);
                        }

                        public void stop(BundleContext context) {
                        }
                    }

                    /** Loaded only when a session first asks for it. */
                    class Late {
                        private final String reply;

                        Late(String reply) {
                            this.reply = reply;
                        }

                        @Override
                        public String toString() {
                            return reply + "late";
                        }
                    }
                    """.formatted(activatorThrows ? "if (context != null) throw new IllegalStateException(\"activator fails on purpose\");" : "",
                    startDelayMillis == 0 ? "" : "Thread.sleep(" + startDelayMillis
                            + "); // a slow activator: the behaviour under test, not a wait",
                    body, properties);
        }
    }

    /**
     * A Declarative Services handler bundle: one class, {@code testhandler.Greeter}, with the
     * component description bnd would generate from {@code @Component(configurationPid = pid,
     * property = "switchboard.websocket.path=/g")}. It answers every text with its configuration's
     * {@code greeting} property, a colon and the text ({@code "hello:" + text}), or with the
     * default {@code "ds:"} prefix when the configuration has none, and takes a new
     * configuration without being restarted (its {@code modified} method).
     */
    static Component component(String symbolicName) {
        return new Component(symbolicName);
    }

    /** A DS handler bundle under construction; every setter returns this. */
    static final class Component {
        private final String symbolicName;
        private String version = "1.0.0";
        private String pid = "test.greeter";
        private final Map<String, String> properties = new java.util.LinkedHashMap<>();

        private Component(String symbolicName) {
            this.symbolicName = symbolicName;
            properties.put("switchboard.websocket.path", "/g");
        }

        Component version(String v) {
            version = v;
            return this;
        }

        /** The component's name and configuration PID (a {@code PID.cfg} file configures it). */
        Component pid(String p) {
            pid = p;
            return this;
        }

        /** Adds (or replaces) a component property, which becomes a service property. */
        Component property(String name, String value) {
            properties.put(name, value);
            return this;
        }

        byte[] bytes() {
            Manifest manifest = new Manifest();
            Attributes main = manifest.getMainAttributes();
            main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            main.putValue("Bundle-ManifestVersion", "2");
            main.putValue("Bundle-SymbolicName", symbolicName);
            main.putValue("Bundle-Version", version);
            main.putValue("Import-Package", "io.switchboard.api;version=\"[1.0,2)\"");
            main.putValue("Service-Component", "OSGI-INF/" + pid + ".xml");
            main.putValue("Require-Capability",
                    "osgi.extender;filter:=\"(&(osgi.extender=osgi.component)(version>=1.3.0)(!(version>=2.0.0)))\"");
            Map<String, byte[]> entries = new java.util.TreeMap<>(compile("Greeter", SOURCE));
            entries.put("OSGI-INF/" + pid + ".xml", description().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return jar(manifest, entries);
        }

        Path writeTo(Path file) {
            return writeAtomically(file, bytes());
        }

        private String description() {
            StringBuilder xml = new StringBuilder("""
                    <?xml version="1.0" encoding="UTF-8"?>
                    <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="%s" \
                    activate="activate" modified="modified">
                    """.formatted(pid));
            properties.forEach((name, value) -> xml.append("  <property name=\"").append(name)
                    .append("\" type=\"String\" value=\"").append(value).append("\"/>\n"));
            return xml.append("""
                      <service><provide interface="io.switchboard.api.WebSocketHandler"/></service>
                      <implementation class="testhandler.Greeter"/>
                    </scr:component>
                    """).toString();
        }

        private static final String SOURCE = """
                package testhandler;

                import io.switchboard.api.Message;
                import io.switchboard.api.Request;
                import io.switchboard.api.WebSocket;
                import io.switchboard.api.WebSocketHandler;
                import java.util.Map;

                public class Greeter implements WebSocketHandler {
                    private volatile String prefix = "ds:";

                    public void activate(Map<String, Object> properties) {
                        configure(properties);
                    }

                    public void modified(Map<String, Object> properties) {
                        configure(properties);
                    }

                    private void configure(Map<String, Object> properties) {
                        Object greeting = properties.get("greeting");
                        prefix = greeting == null ? "ds:" : greeting + ":";
                    }

                    @Override
                    public void handle(Request request, WebSocket ws) throws Exception {
                        Message m;
                        while ((m = ws.read()) != null) {
                            if (m instanceof Message.Text t) {
                                ws.send(prefix + t.text());
                            }
                        }
                    }
                }
                """;
    }

    /** Writes {@code content} to {@code file.tmp}, then renames it over {@code file}. */
    static Path writeAtomically(Path file, byte[] content) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, content);
            return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String literal(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Compiles one source file of package testhandler; returns class file name → bytes. */
    private static Map<String, byte[]> compile(String className, String source) {
        return COMPILED.computeIfAbsent(source, s -> {
            try {
                Path dir = Files.createTempDirectory("testbundle");
                try {
                    Path src = dir.resolve("src/testhandler/" + className + ".java");
                    Path out = dir.resolve("classes");
                    Files.createDirectories(src.getParent());
                    Files.createDirectories(out);
                    Files.writeString(src, s);
                    java.util.spi.ToolProvider javac = java.util.spi.ToolProvider.findFirst("javac")
                            .orElseThrow(() -> new IllegalStateException("tests need a JDK with javac"));
                    StringWriter diagnostics = new StringWriter();
                    PrintWriter writer = new PrintWriter(diagnostics);
                    int rc = javac.run(writer, writer, "--release", "21", "-proc:none",
                            "-classpath", API_JAR + java.io.File.pathSeparator + FELIX,
                            "-d", out.toString(), src.toString());
                    if (rc != 0) {
                        throw new IllegalStateException("test handler does not compile:\n"
                                + diagnostics + "\n" + s);
                    }
                    Map<String, byte[]> classes = new java.util.TreeMap<>();
                    try (Stream<Path> files = Files.walk(out)) {
                        for (Path f : files.filter(Files::isRegularFile).toList()) {
                            classes.put(out.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                        }
                    }
                    return classes;
                } finally {
                    try (Stream<Path> files = Files.walk(dir)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static byte[] jar(Manifest manifest, Map<String, byte[]> classes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            for (Map.Entry<String, byte[]> e : classes.entrySet()) {
                jar.putNextEntry(new JarEntry(e.getKey()));
                jar.write(e.getValue());
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Path classPathResource(String name) {
        try {
            var url = TestBundles.class.getResource(name);
            if (url == null) {
                throw new IllegalStateException(name + " is not on the test class path (run mvn verify, not test)");
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path codeSource(Class<?> type) {
        try {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
