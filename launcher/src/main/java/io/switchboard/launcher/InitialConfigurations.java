package io.switchboard.launcher;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Lets the launcher deploy the jars present at start only after FileInstall has handled the
 * config files present at start, so that their components start with their configurations
 * rather than with defaults replaced a moment later. A file is handled when Configuration Admin
 * holds a configuration made from it, or when FileInstall has logged a failure naming it.
 * Configuration Admin is reached reflectively: its API lives in a bundle, not on the
 * launcher's class path. Created before the core bundles start; used by one thread.
 */
final class InitialConfigurations implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(InitialConfigurations.class.getName());
    /** The property FileInstall adds to each configuration: the URI of the file it came from. */
    private static final String FILENAME = "felix.fileinstall.filename";
    private static final long POLL_NANOS = 10_000_000;

    private final Logger fileInstallLog;
    /** FileInstall's warnings and errors since this was created. */
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                failures.add(String.valueOf(record.getMessage()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Starts listening to FileInstall's log, which {@code fileInstallLog} is. */
    InitialConfigurations(Logger fileInstallLog) {
        this.fileInstallLog = fileInstallLog;
        fileInstallLog.addHandler(recorder);
    }

    /**
     * Returns once every config file of {@code folder} has been handled, or after {@code
     * timeout} (logged; the jars are then deployed anyway).
     */
    void await(BundleContext context, Path folder, Duration timeout) throws IOException {
        List<Path> files = DeployDirectory.listFolder(folder).stream().filter(InitialConfigurations::isConfigFile).toList();
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<Path> waiting = new HashSet<>(files);
        while (!waiting.isEmpty()) {
            Set<String> applied = appliedFileNames(context);
            waiting.removeIf(file -> applied.contains(file.getFileName().toString())
                    || failures.stream().anyMatch(line -> line.contains(file.toString())));
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                LOG.log(Level.WARNING, "config files not applied within {0} ms, deploying the jars anyway: {1}",
                        String.valueOf(timeout.toMillis()), waiting);
                return;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** Whether FileInstall reads {@code file} as a configuration (as its filter in the launcher says). */
    static boolean isConfigFile(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith(".") && (name.endsWith(".cfg") || name.endsWith(".config"));
    }

    /** The names of the files Configuration Admin holds configurations from; empty until it runs. */
    private static Set<String> appliedFileNames(BundleContext context) {
        Set<String> names = new HashSet<>();
        ServiceReference<?> reference = context.getServiceReference("org.osgi.service.cm.ConfigurationAdmin");
        if (reference == null || reference.getBundle() == null) {
            return names;
        }
        Object admin = context.getService(reference);
        try {
            if (admin == null) {
                return names;
            }
            Class<?> adminType = reference.getBundle().loadClass("org.osgi.service.cm.ConfigurationAdmin");
            Class<?> configurationType = reference.getBundle().loadClass("org.osgi.service.cm.Configuration");
            Object[] configurations = (Object[]) adminType.getMethod("listConfigurations", String.class)
                    .invoke(admin, "(" + FILENAME + "=*)");
            for (Object configuration : configurations == null ? new Object[0] : configurations) {
                Dictionary<?, ?> properties = (Dictionary<?, ?>) configurationType.getMethod("getProperties").invoke(configuration);
                Object uri = properties == null ? null : properties.get(FILENAME);
                if (uri != null) {
                    String s = uri.toString();
                    names.add(s.substring(s.lastIndexOf('/') + 1));
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot list configurations yet: {0}", DeployDirectory.oneLine(e));
        } finally {
            if (admin != null) {
                context.ungetService(reference);
            }
        }
        return names;
    }

    @Override
    public void close() {
        fileInstallLog.removeHandler(recorder);
    }
}
