/**
 * {@code java -jar launcher.jar}: boots Apache Felix with the core bundles carried inside the
 * jar, hot-deploys handler bundles from a folder, and stops cleanly on SIGTERM. Exports
 * nothing.
 */
module io.switchboard.launcher {
    requires org.apache.felix.framework;
    requires java.logging;
    requires java.management;
    requires jdk.management;
    requires jdk.unsupported;

    uses org.osgi.framework.launch.FrameworkFactory;
}
