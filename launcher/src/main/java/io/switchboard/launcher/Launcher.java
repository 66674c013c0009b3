package io.switchboard.launcher;

import io.switchboard.launcher.LauncherConfig.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.osgi.framework.AllServiceListener;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import sun.misc.Signal;

/**
 * Boots Apache Felix with the core bundles carried inside launcher.jar, deploys the handler
 * folder, prints one line when serving, and stops on SIGTERM or Ctrl-C: the server stops
 * accepting, live sessions are closed with 1001, the framework stops, the process exits 0.
 */
public final class Launcher {

    private static final System.Logger LOG = System.getLogger(Launcher.class.getName());
    /** Switchboard's own bundles inside the jar, in start order. */
    static final List<String> SWITCHBOARD_BUNDLES = List.of("switchboard-api.jar", "switchboard-transport.jar",
            "switchboard-tls.jar", "switchboard-websocket.jar", "switchboard-admin.jar", "switchboard-handlers-echo.jar");
    /**
     * The platform for handler bundles, inside the jar too: Declarative Services (Felix SCR and
     * the OSGi APIs it needs), Configuration Admin, and FileInstall, which feeds the deploy
     * folder's {@code .cfg} and {@code .config} files to Configuration Admin (the jars there
     * are {@link DeployDirectory}'s).
     */
    static final List<String> PLATFORM_BUNDLES = List.of("org.osgi.util.function.jar", "org.osgi.util.promise.jar",
            "org.osgi.service.component.jar", "org.apache.felix.configadmin.jar", "org.apache.felix.scr.jar",
            "org.apache.felix.fileinstall.jar");
    /** Every bundle inside the jar, in start order. */
    static final List<String> CORE_BUNDLES = java.util.stream.Stream.concat(SWITCHBOARD_BUNDLES.stream(),
            PLATFORM_BUNDLES.stream()).toList();
    /** The java.util.logging logger FileInstall logs to (with {@code felix.fileinstall.log.default=jul}). */
    private static final Logger FILEINSTALL_LOG = Logger.getLogger("fileinstall");
    /** The cluster bridge and the libraries it needs, installed only with --cluster-redis. */
    static final List<String> CLUSTER_BUNDLES = List.of("json.jar", "gson.jar", "commons-pool2.jar", "slf4j-api.jar",
            "slf4j-jdk14.jar", "jedis.jar", "switchboard-cluster-redis.jar");
    /** The websocket bundle's access log (its AccessLog.LOGGER; the launcher cannot link that class). */
    static final String ACCESS_LOGGER = "io.switchboard.access";
    private static final String SERVER_FILTER = "(objectClass=io.switchboard.websocket.WebSocketServer)";
    private static final long START_TIMEOUT_SECONDS = 15;
    private static final long STOP_TIMEOUT_SECONDS = 15;

    private final LauncherConfig config;
    private final DeployDirectory.Listing listing;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Ends the scanner's wait between scans; a scan in progress (a bundle starting) is finished, not interrupted. */
    private final CountDownLatch stopScanning = new CountDownLatch(1);
    private Framework framework;
    /** Watches FileInstall handle the config files present at start; closed once it has. */
    private InitialConfigurations initialConfigurations;
    /** Tells the admin bundle of deploy events and of the stop; null before start. */
    private volatile DeployEventForwarder events;
    private Thread scanner;

    Launcher(LauncherConfig config) {
        this(config, DeployDirectory::listFolder);
    }

    /** A launcher whose deploy folder is listed through {@code listing} (tests inject failures). */
    Launcher(LauncherConfig config, DeployDirectory.Listing listing) {
        this.config = config;
        this.listing = listing;
    }

    public static void main(String[] args) {
        LauncherConfig config;
        try {
            config = LauncherConfig.parse(List.of(args), System.getProperties());
        } catch (ConfigException e) {
            System.err.println("switchboard: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (config == null) {
            System.out.print(LauncherConfig.help());
            return;
        }
        configureLogging(config.logLevel(), config.operations());
        List<String> heap = HeapDefaults.apply();
        if (!heap.isEmpty()) {
            LOG.log(Level.DEBUG, "heap gives memory back: {0}", String.join(" ", heap));
        }
        Launcher launcher = new Launcher(config);
        for (String signal : List.of("TERM", "INT")) {
            Signal.handle(new Signal(signal), s -> {
                launcher.stop("SIG" + s.getName());
                System.exit(0);
            });
        }
        try {
            String ready = launcher.start();
            System.out.println(ready);
            System.out.flush();
        } catch (Exception e) {
            LOG.log(Level.ERROR, startFailure(e));
            launcher.stop("start failure");
            System.exit(1);
        }
        launcher.awaitStop();
    }

    /** The one line logged when {@link #start()} fails. */
    static String startFailure(Exception e) {
        return "Switchboard failed to start: " + DeployDirectory.oneLine(e);
    }

    /** Starts everything; returns the ready line. */
    String start() throws BundleException, IOException, InterruptedException, InvalidSyntaxException {
        Path deploy = config.deploy().toAbsolutePath().normalize();
        Files.createDirectories(deploy);
        Map<String, String> properties = new HashMap<>(config.allFrameworkProperties());
        properties.put(Constants.FRAMEWORK_STORAGE, config.cache().toAbsolutePath().toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        properties.put("felix.log.level", "1");
        properties.putAll(configFileProperties(deploy));
        FILEINSTALL_LOG.setFilter(LogFormat.FOLD_THROWN);
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework inside launcher.jar"));
        framework = factory.newFramework(properties);
        framework.init();
        framework.start();
        BundleContext context = framework.getBundleContext();
        events = new DeployEventForwarder(context);
        int expectedServers = (config.plain() ? 1 : 0) + (config.tls() ? 1 : 0);
        CountDownLatch serverUp = new CountDownLatch(expectedServers);
        // Only the service's properties are read, so the listener must not be filtered by class
        // space: with the websocket classes also on the launcher's own class path (embedding,
        // tests), a plain ServiceListener never hears of the server.
        ServiceListener listener = (AllServiceListener) event -> {
            if (event.getType() == ServiceEvent.REGISTERED) {
                serverUp.countDown();
            }
        };
        try {
            context.addServiceListener(listener, SERVER_FILTER);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        initialConfigurations = new InitialConfigurations(FILEINSTALL_LOG);
        List<Bundle> core = new ArrayList<>();
        List<String> bundles = new ArrayList<>(CORE_BUNDLES);
        if (config.clusterRedis() != null) {
            bundles.addAll(CLUSTER_BUNDLES);
        }
        for (String name : bundles) {
            try (InputStream in = Launcher.class.getResourceAsStream("/bundles/" + name)) {
                if (in == null) {
                    throw new IOException("core bundle " + name + " is missing from launcher.jar");
                }
                core.add(context.installBundle("switchboard:core/" + name, in));
            }
        }
        for (Bundle bundle : core) {
            try {
                bundle.start();
            } catch (BundleException e) {
                // e.g. the TLS bundle refusing a key file: its own one-line message says it all,
                // so it is no cause (the logged line would repeat it); kept for stack traces
                IllegalStateException failure = new IllegalStateException(rootMessage(e));
                failure.addSuppressed(e);
                throw failure;
            }
            LOG.log(Level.DEBUG, "started core bundle {0}", DeployDirectory.describe(bundle));
        }
        if (!serverUp.await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the WebSocket server did not start within " + START_TIMEOUT_SECONDS + " s");
        }
        context.removeServiceListener(listener);
        List<String> urls = new ArrayList<>();
        String host = config.host().equals("0.0.0.0") || config.host().equals("::") ? "localhost" : config.host();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        ServiceReference<?>[] servers = context.getAllServiceReferences(null, SERVER_FILTER);
        java.util.Arrays.sort(servers, java.util.Comparator.comparing(r -> Boolean.TRUE.equals(r.getProperty("switchboard.server.secure"))));
        for (ServiceReference<?> server : servers) {
            Object error = server.getProperty("switchboard.server.error");
            if (error != null) {
                throw new IllegalStateException(error.toString());
            }
            boolean secure = Boolean.TRUE.equals(server.getProperty("switchboard.server.secure"));
            urls.add((secure ? "wss://" : "ws://") + host + ":" + server.getProperty("switchboard.server.port") + "/ws");
        }

        initialConfigurations.await(context, deploy, Duration.ofSeconds(START_TIMEOUT_SECONDS));
        initialConfigurations.close();
        DeployDirectory directory = new DeployDirectory(context, deploy, config.quietPeriod(), config.drainTimeout(), listing);
        directory.scan(true);
        scanner = new Thread(() -> scanLoop(directory), "switchboard-deploy"); // one for the process
        scanner.setDaemon(true);
        scanner.start();

        return "Switchboard ready: " + String.join(", ", urls) + " (deploy folder " + deploy + ") " + features();
    }

    /** What the ready line says is on: TLS, compression, limits, the operations endpoints. */
    String features() {
        LauncherConfig.Operations ops = config.operations();
        List<String> on = new ArrayList<>();
        on.add("tls " + (config.tls() ? "on" : "off"));
        on.add("compression " + (config.compression() ? "on" : "off"));
        on.add("max-message-size " + config.maxMessageSize());
        on.add("max-sessions " + (config.maxSessions() == 0 ? "unlimited" : config.maxSessions()));
        on.add("health " + (ops.healthPath().isEmpty() ? "off" : ops.healthPath() + " " + ops.readyPath()));
        on.add("metrics " + (ops.metricsPath().isEmpty() ? "off" : ops.metricsPath()));
        on.add("status " + (ops.statusPath().isEmpty() ? "off" : ops.statusPath()));
        on.add("admin " + (ops.adminAllow().isEmpty() ? "loopback" : "loopback+" + ops.adminAllow())
                + (ops.adminToken().isEmpty() ? "" : "+token"));
        on.add("access-log " + (ops.accessLog() ? "on" : "off"));
        return "features: " + String.join(", ", on);
    }

    /**
     * FileInstall's settings: it watches only the config files of the deploy folder, polling
     * as often as the jars are scanned, never writes configurations back into the files, and
     * logs through java.util.logging like the rest of the launcher.
     */
    Map<String, String> configFileProperties(Path deploy) {
        return Map.of(
                "felix.fileinstall.dir", deploy.toString(),
                "felix.fileinstall.filter", ".*\\.(cfg|config)",
                "felix.fileinstall.poll", String.valueOf(Math.max(1, config.scanInterval().toMillis())),
                "felix.fileinstall.noInitialDelay", "true",
                "felix.fileinstall.disableNio2", "true",
                "felix.fileinstall.enableConfigSave", "false",
                "felix.fileinstall.log.default", "jul",
                "felix.fileinstall.log.level", "3");
    }

    /** The message of the innermost cause: the one that names the file or setting at fault. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? DeployDirectory.oneLine(e) : t.getMessage();
    }

    /**
     * The deploy thread's loop. Whatever one scan throws, OutOfMemoryError included, is logged
     * (once per run of the same failure) and the next scan runs on time: a dead scanner would
     * silently never deploy again.
     */
    private void scanLoop(DeployDirectory directory) {
        FailureRun failures = new FailureRun("deploy folder scan");
        while (true) {
            try {
                if (stopScanning.await(config.scanInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
                directory.scan(false);
                failures.succeeded();
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                failures.failed(e);
            }
        }
    }

    /** Stops the deploy scanner and the framework (closing sessions with 1001). Idempotent. */
    void stop(String why) {
        if (!stopping.compareAndSet(false, true)) {
            awaitStop();
            return;
        }
        LOG.log(Level.INFO, "stopping ({0})", why);
        if (initialConfigurations != null) {
            initialConfigurations.close();
        }
        try {
            DeployEventForwarder forwarder = events;
            if (forwarder != null) {
                forwarder.send("stopping", why); // /ready answers 503 from now on
                // Only for SIGTERM, what orchestrators send: Ctrl-C (and a test's stop) stops at once.
                long delay = why.equals("SIGTERM") ? config.operations().stopDelay().toMillis() : 0;
                if (delay > 0) {
                    LOG.log(Level.INFO, "answering /ready with 503 for {0} ms before closing", String.valueOf(delay));
                    Thread.sleep(delay); // the configured hand-over time for load balancers, not a wait for a condition
                }
            }
            if (scanner != null) {
                stopScanning.countDown();
                scanner.join(TimeUnit.SECONDS.toMillis(STOP_TIMEOUT_SECONDS));
            }
            if (framework != null) {
                framework.stop();
                framework.waitForStop(TimeUnit.SECONDS.toMillis(STOP_TIMEOUT_SECONDS));
            }
        } catch (BundleException | InterruptedException e) {
            LOG.log(Level.WARNING, "unclean stop: {0}", DeployDirectory.oneLine(e));
        } finally {
            DeployEventForwarder forwarder = events;
            if (forwarder != null) {
                forwarder.close();
            }
            stopped.countDown();
        }
        LOG.log(Level.INFO, "stopped");
    }

    /** The running framework, or null before {@link #start()}; for tests. */
    Framework framework() {
        return framework;
    }

    void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Strong reference to the access logger whose level the launcher sets (JUL holds loggers weakly). */
    private static Logger accessLogger;

    private static void configureLogging(java.util.logging.Level level, LauncherConfig.Operations operations) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler console = new ConsoleHandler();
        console.setFormatter(operations.jsonLog() ? new JsonLogFormat() : new LogFormat());
        accessLogger = Logger.getLogger(ACCESS_LOGGER);
        // On by default at INFO whatever --log-level says; off with --access-log false.
        accessLogger.setLevel(operations.accessLog() ? java.util.logging.Level.INFO : java.util.logging.Level.OFF);
        // The handler lets access lines through; every other logger keeps --log-level.
        console.setLevel(operations.accessLog() && level.intValue() > java.util.logging.Level.INFO.intValue()
                ? java.util.logging.Level.INFO : level);
        root.addHandler(console);
        root.setLevel(level);
    }
}
