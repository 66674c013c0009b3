package io.switchboard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deploy folder's scan on its own, with listing failures injected through its seam. */
class DeployDirectoryTest {

    @TempDir
    Path folder;

    @Test
    void aFolderThatCannotBeListedIsLoggedOncePerRunOfFailuresAndOnceOnRecovery() {
        AtomicBoolean failing = new AtomicBoolean(true);
        DeployDirectory.Listing listing = f -> {
            if (failing.get()) {
                throw new IOException(f + ": Too many open files");
            }
            return DeployDirectory.listFolder(f);
        };
        // An empty folder never reaches the framework, so no BundleContext is needed.
        DeployDirectory directory = new DeployDirectory(null, folder, Duration.ZERO, Duration.ZERO, listing);
        try (LogRecorder log = LogRecorder.of(DeployDirectory.class)) {
            for (int i = 0; i < 159; i++) {
                directory.scan(false);
            }
            List<String> warnings = log.lines(Level.WARNING, "cannot list deploy folder " + folder);
            assertEquals(1, warnings.size(), () -> warnings.size() + " warnings, the first: " + warnings.get(0));
            assertTrue(warnings.get(0).contains("Too many open files"), warnings::toString);

            failing.set(false);
            directory.scan(false);
            directory.scan(false);
            List<String> recovered = log.lines(Level.INFO, "deploy folder " + folder + " can be listed again");
            assertEquals(1, recovered.size(), recovered::toString);
            assertTrue(recovered.get(0).contains("after 159 failed scans"), recovered::toString);

            failing.set(true);
            directory.scan(false);
            directory.scan(false);
            assertEquals(2, log.lines(Level.WARNING, "cannot list deploy folder").size(), "a new run is logged again");
            assertEquals(3, log.lines(Level.WARNING, "").size() + log.lines(Level.INFO, "").size());
        }
    }

    @Test
    void aJarTooLargeToReadIsReportedOnceAndNotRead() throws IOException {
        // Sparse: no disk space used. Read whole, it would not even fit in an array.
        Path big = folder.resolve("big.jar");
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(3L << 30);
        }
        DeployDirectory directory = new DeployDirectory(null, folder, Duration.ZERO, Duration.ZERO,
                DeployDirectory::listFolder);
        try (LogRecorder log = LogRecorder.of(DeployDirectory.class)) {
            for (int i = 0; i < 5; i++) {
                directory.scan(true);
            }
            List<String> errors = log.lines(Level.SEVERE, big + ": ");
            assertEquals(1, errors.size(), errors::toString);
            assertTrue(errors.get(0).contains("not deployed: 3221225472 bytes, more than the limit of 256 MiB"),
                    errors::toString);
        }
    }
}
