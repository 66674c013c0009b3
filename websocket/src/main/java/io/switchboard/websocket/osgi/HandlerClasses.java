package io.switchboard.websocket.osgi;

import java.lang.System.Logger.Level;
import java.util.Collection;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Loads every class of a handler bundle's own class path while its revision is current. The
 * sessions of a handler go on running its old code after the bundle is updated or removed (see
 * the drain timeout), but a framework disposes of an old revision no other bundle is wired to
 * at once, closing its content: a class the old code had not loaded yet could not be loaded any
 * more, and the session would fail with {@code NoClassDefFoundError}. Loaded up front, the
 * classes live as long as the code using them. (Resources of an old revision stay unreadable.)
 */
final class HandlerClasses {

    private static final System.Logger LOG = System.getLogger(HandlerClasses.class.getName());

    private HandlerClasses() {
    }

    /** Loads (without initialising) the classes of {@code bundle}'s current revision; returns how many. */
    static int loadAll(Bundle bundle) {
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        if (wiring == null) {
            return 0;
        }
        Collection<String> resources = wiring.listResources("/", "*.class",
                BundleWiring.LISTRESOURCES_RECURSE | BundleWiring.LISTRESOURCES_LOCAL);
        if (resources == null) {
            return 0;
        }
        ClassLoader loader = wiring.getClassLoader();
        int loaded = 0;
        for (String resource : resources) {
            if (resource.startsWith("META-INF/") || resource.endsWith("module-info.class")
                    || resource.endsWith("package-info.class")) {
                continue;
            }
            String name = resource.substring(0, resource.length() - ".class".length()).replace('/', '.');
            try {
                Class.forName(name, false, loader);
                loaded++;
            } catch (ClassNotFoundException | LinkageError e) {
                // e.g. a class using an optional import that is absent; the code will not use it
                LOG.log(Level.DEBUG, "{0}: cannot load {1}: {2}", bundle.getSymbolicName(), name, e.toString());
            }
        }
        return loaded;
    }
}
