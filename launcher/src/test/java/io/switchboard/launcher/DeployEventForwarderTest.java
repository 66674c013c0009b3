package io.switchboard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** The deploy folder's log lines as deploy events, as the metrics count them. */
class DeployEventForwarderTest {

    @Test
    void eachDeployLineHasItsKind() {
        assertEquals("installed", DeployEventForwarder.kind(Level.INFO, "/d/a.jar: installed a 1.0.0 [7]"));
        assertEquals("updated", DeployEventForwarder.kind(Level.INFO, "/d/a.jar: updated a 1.0.0 [7] to a 1.0.1 [7]"));
        assertEquals("removed", DeployEventForwarder.kind(Level.INFO, "/d/a.jar: removed, uninstalled a 1.0.0 [7]"));
        assertEquals("started", DeployEventForwarder.kind(Level.INFO, "/d/a.jar: started a 1.0.0 [7]: what it imports is there now"));
        assertEquals("rolled_back", DeployEventForwarder.kind(Level.SEVERE,
                "/d/a.jar: update to a 2.0.0 failed, rolled back to a 1.0.0 [7]: activator threw"));
        assertEquals("failed", DeployEventForwarder.kind(Level.SEVERE,
                "/d/a.jar: update failed, and rolling back to the previous content failed too (x): y"));
        assertEquals("failed", DeployEventForwarder.kind(Level.SEVERE, "/d/b.jar: install failed: not a bundle"));
        assertNull(DeployEventForwarder.kind(Level.INFO, "/d/a.jar: unchanged from a 1.0.0 [7], not updated"));
    }
}
