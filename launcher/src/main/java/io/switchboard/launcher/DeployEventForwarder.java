package io.switchboard.launcher;

import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Passes the deploy folder's events to the admin bundle for its metrics and status page, and
 * tells it when the launcher starts to stop (so {@code /ready} answers 503). The events are the
 * deploy folder's own log lines (installed, updated, removed, failed, rolled back), read from
 * its logger, so the deploy code needs no hook of its own; the admin bundle takes them through a
 * {@code Consumer<Map<String, Object>>} service, whose java.* types mean no class of ours crosses
 * the framework boundary. Without an admin bundle, nothing is passed. Thread-safe.
 */
final class DeployEventForwarder extends Handler {

    private static final String FILTER = "(&(objectClass=java.util.function.Consumer)(switchboard.admin.events=true))";

    private final BundleContext context;
    /** Strong reference: java.util.logging holds loggers weakly. */
    private final Logger deployLogger = Logger.getLogger(DeployDirectory.class.getName());

    DeployEventForwarder(BundleContext context) {
        this.context = context;
        setLevel(Level.INFO);
        deployLogger.addHandler(this);
    }

    /** The kind of event a deploy folder log line reports, or null for lines that report none. */
    static String kind(Level level, String message) {
        if (message.contains("rolled back to ")) {
            return "rolled_back"; // a failed update, undone ("rolling back … failed too" is a failure)
        }
        if (level.intValue() >= Level.SEVERE.intValue()) {
            return "failed";
        }
        if (message.contains("uninstalled")) {
            return "removed";
        }
        if (message.contains(": installed ")) {
            return "installed";
        }
        if (message.contains(": updated ")) {
            return "updated";
        }
        if (message.contains(": started ")) {
            return "started";
        }
        return null;
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String message = new java.util.logging.SimpleFormatter().formatMessage(record);
        String kind = kind(record.getLevel(), message);
        if (kind != null) {
            send(kind, message);
        }
    }

    /** Sends one event to the admin bundle, if it is there. */
    @SuppressWarnings("unchecked")
    void send(String kind, String message) {
        try {
            ServiceReference<?>[] references = context.getServiceReferences((String) null, FILTER);
            if (references == null) {
                return;
            }
            Object service = context.getService(references[0]);
            if (service instanceof Consumer<?> consumer) {
                try {
                    ((Consumer<Map<String, Object>>) consumer).accept(Map.of("kind", kind, "message", message));
                } finally {
                    context.ungetService(references[0]);
                }
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            // the framework is stopping: nobody to tell
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        deployLogger.removeHandler(this);
    }
}
