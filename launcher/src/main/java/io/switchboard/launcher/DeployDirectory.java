package io.switchboard.launcher;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Keeps the bundles of a folder installed, the way Felix FileInstall does: a {@code .jar} is
 * acted on only after its size and modification time have stayed the same for a quiet period
 * and its content hash differs from what was last deployed; it is then checked as a complete
 * zip with a bundle manifest, and installed and started, or updated in place. A deleted jar is
 * uninstalled. A jar that fails is reported in one line and left alone until it changes, with
 * two exceptions: a bundle that could not resolve is started again after a later jar is
 * deployed (which may export what it imports), and a jar refused because another jar holds a
 * bundle of the same symbolic name and version is tried again once a jar is removed.
 * Removal-pending revisions of updated or removed bundles are refreshed away after the drain
 * timeout, when their sessions have ended.
 *
 * <p>Files named {@code *.tmp}, {@code *.part} or starting with a dot are ignored, so
 * "copy to x.jar.tmp, then rename" deploys atomically. Not thread-safe: one thread scans.
 */
final class DeployDirectory {

    private static final System.Logger LOG = System.getLogger(DeployDirectory.class.getName());
    static final String LOCATION_PREFIX = "switchboard:deploy/";

    /** What is known about one file of the folder. */
    private static final class Tracked {
        long size = -1;
        FileTime modified;
        /** System.nanoTime() of the last observed change of size or mtime. */
        long changedAt;
        /** Hash of the content last deployed or last found broken; null before either. */
        String handledHash;
        /** Hash of the content {@link #bundle} was installed or updated from. */
        String deployedHash;
        Bundle bundle;
        /** Its install was refused because another bundle has the same symbolic name and version. */
        boolean duplicate;
    }

    private final BundleContext context;
    private final Path folder;
    private final Duration quietPeriod;
    private final Duration drainTimeout;
    private final Map<Path, Tracked> files = new HashMap<>();
    /** System.nanoTime() after which removal-pending revisions are refreshed; 0 if none wait. */
    private long refreshAt;
    /** Whether this scan installed or updated a bundle, whose exports may let others resolve. */
    private boolean deployed;

    DeployDirectory(BundleContext context, Path folder, Duration quietPeriod, Duration drainTimeout) {
        this.context = context;
        this.folder = folder;
        this.quietPeriod = quietPeriod;
        this.drainTimeout = drainTimeout;
    }

    /**
     * Looks at the folder once and acts on what changed.
     *
     * @param settled treat every file as already quiet (used for the jars present at start)
     */
    void scan(boolean settled) {
        long now = System.nanoTime();
        Set<Path> seen = new HashSet<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*.jar")) {
            for (Path file : stream) {
                String name = file.getFileName().toString();
                if (name.startsWith(".") || !Files.isRegularFile(file)) {
                    continue;
                }
                seen.add(file);
                try {
                    check(file, now, settled);
                } catch (NoSuchFileException e) {
                    seen.remove(file); // deleted while we looked
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "{0}: cannot read: {1}", file, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list deploy folder {0}: {1}", folder, e.getMessage());
            return;
        }
        if (deployed) {
            deployed = false;
            startUnresolved();
        }
        for (var it = files.entrySet().iterator(); it.hasNext();) {
            var entry = it.next();
            if (!seen.contains(entry.getKey())) {
                it.remove();
                remove(entry.getKey(), entry.getValue());
            }
        }
        if (refreshAt != 0 && now - refreshAt >= 0) {
            refreshAt = 0;
            refreshRemovalPending();
        }
    }

    private void check(Path file, long now, boolean settled) throws IOException {
        Tracked t = files.computeIfAbsent(file, f -> new Tracked());
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (attributes.size() != t.size || !attributes.lastModifiedTime().equals(t.modified)) {
            t.size = attributes.size();
            t.modified = attributes.lastModifiedTime();
            t.changedAt = now;
            if (!settled) {
                return;
            }
        }
        if (!settled && now - t.changedAt < quietPeriod.toNanos()) {
            return;
        }
        byte[] content = Files.readAllBytes(file);
        String hash = sha256(content);
        if (hash.equals(t.handledHash)) {
            return;
        }
        t.handledHash = hash;
        if (hash.equals(t.deployedHash) && t.bundle.getState() != Bundle.UNINSTALLED) {
            // e.g. a broken copy of the jar overwritten by the jar it replaced: nothing to update
            LOG.log(Level.INFO, "{0}: unchanged from {1}, not updated", file, describe(t.bundle));
            return;
        }
        String problem = validate(file);
        if (problem != null) {
            LOG.log(Level.ERROR, "{0}: not deployed: {1}", file, problem);
            return;
        }
        deploy(file, t, content);
    }

    /** Why {@code file} cannot be a bundle, or null if it looks like one. */
    private static String validate(Path file) {
        try (JarFile jar = new JarFile(file.toFile())) {
            Manifest manifest = jar.getManifest();
            if (manifest == null || manifest.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                return "not an OSGi bundle (no Bundle-SymbolicName in its manifest)";
            }
            return null;
        } catch (IOException e) {
            return "not a complete jar (" + e.getMessage() + ")";
        }
    }

    private void deploy(Path file, Tracked t, byte[] content) {
        boolean update = t.bundle != null && t.bundle.getState() != Bundle.UNINSTALLED;
        try {
            if (update) {
                t.bundle.update(new ByteArrayInputStream(content));
                scheduleRefresh();
            } else {
                t.bundle = context.installBundle(LOCATION_PREFIX + file.getFileName(), new ByteArrayInputStream(content));
            }
        } catch (BundleException | RuntimeException e) {
            t.duplicate = e instanceof BundleException b && b.getType() == BundleException.DUPLICATE_BUNDLE_ERROR;
            LOG.log(Level.ERROR, "{0}: {1} failed: {2}", file, update ? "update" : "install", oneLine(e));
            return;
        }
        t.duplicate = false;
        t.deployedHash = t.handledHash;
        deployed = true;
        try {
            if (t.bundle.getState() != Bundle.ACTIVE) {
                t.bundle.start();
            }
            LOG.log(Level.INFO, "{0}: {1} {2}", file, update ? "updated" : "installed", describe(t.bundle));
        } catch (BundleException | RuntimeException e) {
            LOG.log(Level.ERROR, "{0}: {1} {2} but it failed to start: {3}", file, update ? "updated" : "installed",
                    describe(t.bundle), oneLine(e));
        }
    }

    private void remove(Path file, Tracked t) {
        if (t.bundle == null || t.bundle.getState() == Bundle.UNINSTALLED) {
            return;
        }
        try {
            String description = describe(t.bundle);
            t.bundle.uninstall();
            scheduleRefresh();
            LOG.log(Level.INFO, "{0}: removed, uninstalled {1}", file, description);
            // A jar refused for holding the same bundle as this one is tried again on the next scan.
            files.values().stream().filter(other -> other.duplicate).forEach(other -> {
                other.duplicate = false;
                other.handledHash = null;
            });
        } catch (BundleException | RuntimeException e) {
            LOG.log(Level.ERROR, "{0}: uninstall failed: {1}", file, oneLine(e));
        }
    }

    /**
     * Starts the bundles that could not resolve when they were deployed, now that a bundle just
     * deployed may export what they import; their failure was reported then, once.
     */
    private void startUnresolved() {
        files.forEach((file, t) -> {
            if (t.bundle != null && t.bundle.getState() == Bundle.INSTALLED) {
                try {
                    t.bundle.start();
                    LOG.log(Level.INFO, "{0}: started {1}: what it imports is there now", file, describe(t.bundle));
                } catch (BundleException | RuntimeException e) {
                    LOG.log(Level.DEBUG, "{0}: still cannot start: {1}", file, oneLine(e));
                }
            }
        });
    }

    /** Old revisions may still run sessions: refresh them away once those have been drained. */
    private void scheduleRefresh() {
        refreshAt = System.nanoTime() + drainTimeout.plusSeconds(1).toNanos();
    }

    private void refreshRemovalPending() {
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        var pending = wiring.getRemovalPendingBundles();
        if (!pending.isEmpty()) {
            LOG.log(Level.DEBUG, "refreshing {0} removal-pending bundles", pending.size());
            wiring.refreshBundles(pending);
        }
    }

    /** Uninstalls nothing; forgets state. Bundles stay in the framework until it stops. */
    int trackedBundles() {
        return (int) files.values().stream().filter(t -> t.bundle != null).count();
    }

    static String describe(Bundle bundle) {
        return bundle.getSymbolicName() + " " + bundle.getVersion() + " [" + bundle.getBundleId() + "]";
    }

    /** An exception and its causes as one line, for a log line that says why. */
    static String oneLine(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (!sb.isEmpty()) {
                sb.append(" <- ");
            }
            sb.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.toString().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
