package io.switchboard.testlogging;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Keeps a test run's console to the test results: what tests write to {@code System.out},
 * {@code System.err} and java.util.logging (so also {@code System.Logger}, whose default
 * backend it is) is held back test by test, dropped when the test passes or is skipped, and
 * printed, framed by the test's name, when it fails.
 *
 * <p>Registered with the JUnit Platform through {@code ServiceLoader}, so every module that
 * has this jar on its test class path is quiet without further setup (the parent pom puts it
 * there). Output written while no test runs (a class's {@code @BeforeAll}) is held for the
 * next test, or printed if the class itself fails. Handlers that tests attach to one logger
 * (to assert on log lines) keep receiving every record: only the console is replaced.
 *
 * <p>Setting the system property {@code switchboard.test.verbose=true} turns it off (the
 * parent pom passes {@code -Dswitchboard.test.verbose=true} from the Maven command line).
 * Not thread-safe itself: the platform calls listeners from one thread; the held output is.
 */
public final class QuietTestLog implements TestExecutionListener {

    /** System property that, when {@code true}, leaves all output on the console as it comes. */
    public static final String VERBOSE_PROPERTY = "switchboard.test.verbose";
    /** Most bytes held for one test; beyond it the oldest output is dropped. */
    static final int LIMIT = 8 * 1024 * 1024;

    private HeldOutput held;
    private PrintStream originalOut;
    private PrintStream originalErr;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        if (Boolean.getBoolean(VERBOSE_PROPERTY) || held != null) {
            return;
        }
        held = new HeldOutput(LIMIT);
        originalOut = System.out;
        originalErr = System.err;
        PrintStream capture = new PrintStream(held, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        replaceConsoleHandlers(); // a ConsoleHandler writes to the System.err of its creation
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (held == null) {
            return;
        }
        boolean failed = result.getStatus() == TestExecutionResult.Status.FAILED;
        if (failed) {
            print(test);
        } else if (test.isTest() || isClass(test)) {
            held.discard();
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (held == null) {
            return;
        }
        held.discard();
        System.setOut(originalOut);
        System.setErr(originalErr);
        replaceConsoleHandlers();
        held = null;
    }

    private void print(TestIdentifier test) {
        System.out.flush();
        System.err.flush();
        String name = name(test);
        try {
            originalErr.write(("---- output of " + name + " (failed) ----\n").getBytes(StandardCharsets.UTF_8));
            held.takeAll(originalErr);
            originalErr.write(("---- end of output of " + name + " ----\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            held.discard(); // a PrintStream does not throw; nothing else to do
        }
        originalErr.flush();
    }

    private static boolean isClass(TestIdentifier test) {
        return test.getSource().filter(ClassSource.class::isInstance).isPresent();
    }

    private static String name(TestIdentifier test) {
        TestSource source = test.getSource().orElse(null);
        if (source instanceof MethodSource m) {
            String simple = m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1);
            return simple + "." + m.getMethodName() + " [" + test.getDisplayName() + "]";
        }
        if (source instanceof ClassSource c) {
            return c.getClassName();
        }
        return test.getDisplayName();
    }

    /** Swaps each console handler of the root logger for a new one on the current System.err. */
    static void replaceConsoleHandlers() {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            if (handler instanceof ConsoleHandler old) {
                ConsoleHandler fresh = new ConsoleHandler();
                fresh.setLevel(old.getLevel());
                fresh.setFormatter(old.getFormatter());
                fresh.setFilter(old.getFilter());
                root.removeHandler(old);
                root.addHandler(fresh);
            }
        }
    }
}
