package io.switchboard.testlogging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Runs a passing and a failing test through a real JUnit Platform launcher. */
class QuietTestLogTest {

    /** Not run on its own (Surefire skips nested classes); run by the test below. */
    static class Fixture {
        @Test
        void passes() {
            System.out.println("out of the passing test");
            Logger.getLogger("fixture").warning("log of the passing test");
        }

        @Test
        void fails() {
            System.err.println("err of the failing test");
            System.getLogger("fixture").log(System.Logger.Level.WARNING, "log of the failing test");
            fail("on purpose");
        }
    }

    @Test
    void outputOfAPassingTestIsDroppedAndOfAFailingTestPrintedWithItsName() {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream fake = new PrintStream(console, true, StandardCharsets.UTF_8);
        System.setOut(fake);
        System.setErr(fake);
        try {
            Launcher launcher = LauncherFactory.create(); // registers QuietTestLog through ServiceLoader
            launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(Fixture.class)).build());
        } finally {
            System.setOut(out);
            System.setErr(err);
            QuietTestLog.replaceConsoleHandlers(); // the inner run left them on the fake console
        }
        String printed = console.toString(StandardCharsets.UTF_8);
        assertFalse(printed.contains("passing test"), printed);
        assertTrue(printed.contains("---- output of QuietTestLogTest$Fixture.fails [fails()] (failed) ----"), printed);
        assertTrue(printed.contains("err of the failing test"), printed);
        assertTrue(printed.contains("log of the failing test"), printed);
        assertTrue(printed.contains("---- end of output of QuietTestLogTest$Fixture.fails"), printed);
    }
}
