package io.switchboard.launcher;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Keeps the bundles of a folder installed, the way Felix FileInstall does: a {@code .jar} is
 * acted on only after its size and modification time have stayed the same for a quiet period
 * and its content hash differs from what was last deployed; it is then checked as a complete
 * zip with a bundle manifest, and installed and started, or updated in place. A deleted jar is
 * uninstalled. An update whose new revision does not start (it cannot resolve, its activator
 * throws) of a bundle that was running is rolled back to the content that ran, at once, and
 * reported in one line; what is recorded as deployed is always what the framework holds, so any
 * good jar put in place later is deployed (or, being what runs already, left running). A folder
 * that cannot be listed is logged once per run of failed scans. A jar that fails is reported in
 * one line and left alone until it changes, with
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
    /**
     * The largest jar deployed: a jar is read whole and its content kept to roll back to, so
     * a larger file is refused (once, until it changes) instead of exhausting the heap.
     */
    static final long MAX_JAR_BYTES = 256L * 1024 * 1024;

    /** What is known about one file of the folder. */
    private static final class Tracked {
        long size = -1;
        FileTime modified;
        /** System.nanoTime() of the last observed change of size or mtime. */
        long changedAt;
        /** Hash of the content last deployed or last found broken; null before either. */
        String handledHash;
        /**
         * Hash of the content the framework holds for {@link #bundle} (its current revision):
         * what it was installed or last successfully updated from, or what a failed update was
         * rolled back to; null when that is unknown (a rollback that failed).
         */
        String deployedHash;
        /** The content {@link #deployedHash} is the hash of, kept to roll a failed update back to. */
        byte[] deployedContent;
        Bundle bundle;
        /** Its install was refused because another bundle has the same symbolic name and version. */
        boolean duplicate;
        /** Reading it failed on the last scan (logged once, not on every scan). */
        boolean unreadable;
        /** It was found larger than {@link #MAX_JAR_BYTES} since it last changed (logged once). */
        boolean tooLarge;
    }

    /** Lists the entries of a folder; a seam through which tests make listing fail. */
    @FunctionalInterface
    interface Listing {
        /** Every entry of {@code folder}, files and folders alike. */
        List<Path> list(Path folder) throws IOException;
    }

    private final BundleContext context;
    private final Path folder;
    private final Duration quietPeriod;
    private final Duration drainTimeout;
    private final Listing listing;
    private final Map<Path, Tracked> files = new HashMap<>();
    /** System.nanoTime() after which removal-pending revisions are refreshed; 0 if none wait. */
    private long refreshAt;
    /** Whether this scan installed or updated a bundle, whose exports may let others resolve. */
    private boolean deployed;
    /** Scans in a row that could not list the folder; only the first of a run is logged. */
    private long failedListings;

    DeployDirectory(BundleContext context, Path folder, Duration quietPeriod, Duration drainTimeout) {
        this(context, folder, quietPeriod, drainTimeout, DeployDirectory::listFolder);
    }

    DeployDirectory(BundleContext context, Path folder, Duration quietPeriod, Duration drainTimeout, Listing listing) {
        this.context = context;
        this.folder = folder;
        this.quietPeriod = quietPeriod;
        this.drainTimeout = drainTimeout;
        this.listing = listing;
    }

    /** The entries of {@code folder}, read with one open descriptor that is closed again. */
    static List<Path> listFolder(Path folder) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
            stream.forEach(entries::add);
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        return entries;
    }

    /**
     * Looks at the folder once and acts on what changed. A folder that cannot be listed (e.g.
     * the process is out of file descriptors) is logged once per run of failed scans, and once
     * more when it can be listed again; nothing is undeployed meanwhile.
     *
     * @param settled treat every file as already quiet (used for the jars present at start)
     */
    void scan(boolean settled) {
        long now = System.nanoTime();
        List<Path> entries;
        try {
            entries = listing.list(folder);
        } catch (IOException e) {
            if (failedListings++ == 0) {
                LOG.log(Level.WARNING, "cannot list deploy folder {0}: {1} (not logged again until it can be listed)",
                        folder, oneLine(e));
            }
            return;
        }
        if (failedListings > 0) {
            LOG.log(Level.INFO, "deploy folder {0} can be listed again, after {1} failed scans", folder,
                    String.valueOf(failedListings));
            failedListings = 0;
        }
        Set<Path> seen = new HashSet<>();
        for (Path file : entries) {
            String name = file.getFileName().toString();
            if (name.startsWith(".") || !name.endsWith(".jar") || !Files.isRegularFile(file)) {
                continue;
            }
            seen.add(file);
            Tracked t = files.computeIfAbsent(file, f -> new Tracked());
            try {
                check(file, t, now, settled);
                t.unreadable = false;
            } catch (NoSuchFileException e) {
                seen.remove(file); // deleted while we looked
            } catch (IOException e) {
                if (!t.unreadable) {
                    t.unreadable = true;
                    LOG.log(Level.WARNING, "{0}: cannot read: {1} (not logged again until it can be read)",
                            file, oneLine(e));
                }
            }
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

    private void check(Path file, Tracked t, long now, boolean settled) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (attributes.size() != t.size || !attributes.lastModifiedTime().equals(t.modified)) {
            t.size = attributes.size();
            t.modified = attributes.lastModifiedTime();
            t.changedAt = now;
            t.tooLarge = false;
            if (!settled) {
                return;
            }
        }
        if (!settled && now - t.changedAt < quietPeriod.toNanos()) {
            return;
        }
        if (t.size > MAX_JAR_BYTES) {
            if (!t.tooLarge) {
                t.tooLarge = true;
                LOG.log(Level.ERROR, "{0}: not deployed: {1} bytes, more than the limit of {2} MiB", file,
                        String.valueOf(t.size), String.valueOf(MAX_JAR_BYTES >> 20));
            }
            return;
        }
        byte[] content = Files.readAllBytes(file);
        String hash = sha256(content);
        if (hash.equals(t.handledHash)) {
            return;
        }
        t.handledHash = hash;
        if (hash.equals(t.deployedHash) && t.bundle.getState() == Bundle.ACTIVE) {
            // e.g. a broken copy of the jar overwritten by the jar running now: nothing to update
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
        if (t.bundle != null && t.bundle.getState() != Bundle.UNINSTALLED) {
            update(file, t, content);
            return;
        }
        try {
            t.bundle = context.installBundle(LOCATION_PREFIX + file.getFileName(), new ByteArrayInputStream(content));
        } catch (BundleException | RuntimeException e) {
            t.duplicate = e instanceof BundleException b && b.getType() == BundleException.DUPLICATE_BUNDLE_ERROR;
            LOG.log(Level.ERROR, "{0}: install failed: {1}", file, oneLine(e));
            return;
        }
        t.duplicate = false;
        recordDeployed(t, content);
        deployed = true;
        try {
            t.bundle.start();
            LOG.log(Level.INFO, "{0}: installed {1}", file, describe(t.bundle));
        } catch (BundleException | RuntimeException e) {
            // Kept installed: it may start once a jar exporting what it imports arrives.
            LOG.log(Level.ERROR, "{0}: installed {1} but it failed to start: {2}", file, describe(t.bundle), oneLine(e));
        }
    }

    /**
     * Updates the bundle of {@code file} to {@code content}. When the bundle was running and the
     * new revision does not start (it cannot resolve, its activator throws), the previous
     * content goes back in at once, so the path keeps being served by what served it before.
     */
    private void update(Path file, Tracked t, byte[] content) {
        Bundle bundle = t.bundle;
        boolean wasActive = bundle.getState() == Bundle.ACTIVE && t.deployedContent != null;
        String before = describe(bundle);
        BundleRevision previousRevision = bundle.adapt(BundleRevision.class);
        Exception failure = null;
        try {
            bundle.update(new ByteArrayInputStream(content));
        } catch (BundleException | RuntimeException e) {
            failure = e;
        }
        boolean replaced = bundle.adapt(BundleRevision.class) != previousRevision;
        if (replaced) {
            scheduleRefresh();
            deployed = true;
        }
        if (failure == null) {
            try {
                if (bundle.getState() != Bundle.ACTIVE) {
                    bundle.start(); // also after an update that restarted it and failed: says why
                }
            } catch (BundleException | RuntimeException e) {
                failure = e;
            }
        }
        if (failure == null) {
            recordDeployed(t, content);
            LOG.log(Level.INFO, "{0}: updated {1} to {2}", file, before, describe(bundle));
            return;
        }
        if (!wasActive) {
            // Nothing ran before: keep the new content, which may start once what it imports arrives.
            if (replaced) {
                recordDeployed(t, content);
            }
            LOG.log(Level.ERROR, "{0}: {1} {2} but it failed to start: {3}", file, replaced ? "updated" : "update of",
                    describe(bundle), oneLine(failure));
            return;
        }
        String attempted = replaced ? "update to " + bundle.getVersion() : "update";
        String rolledBack = rollBack(bundle, t, replaced);
        LOG.log(Level.ERROR, "{0}: {1} failed, {2}: {3}", file, attempted, rolledBack, oneLine(failure));
    }

    /**
     * Puts the last content that ran back into {@code bundle} and starts it; returns what was
     * done, for the log line. Keeps {@code t}'s record equal to what the framework holds.
     */
    private String rollBack(Bundle bundle, Tracked t, boolean replaced) {
        try {
            if (replaced) {
                bundle.update(new ByteArrayInputStream(t.deployedContent));
            }
            if (bundle.getState() != Bundle.ACTIVE) {
                bundle.start();
            }
            return "rolled back to " + describe(bundle);
        } catch (BundleException | RuntimeException e) {
            if (replaced && bundle.getState() != Bundle.UNINSTALLED) {
                t.deployedHash = null; // which revision it holds is not known now
                t.deployedContent = null;
            }
            return "and rolling back to the previous content failed too (" + oneLine(e) + ")";
        }
    }

    /** Records {@code content} (whose hash is {@code t.handledHash}) as what the framework holds. */
    private static void recordDeployed(Tracked t, byte[] content) {
        t.deployedHash = t.handledHash;
        t.deployedContent = content;
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
