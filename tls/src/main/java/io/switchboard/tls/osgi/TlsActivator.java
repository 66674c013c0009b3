package io.switchboard.tls.osgi;

import io.switchboard.api.spi.Transport;
import io.switchboard.tls.TlsServer;
import io.switchboard.tls.internal.DefaultTlsTransport;
import io.switchboard.tls.internal.ServerProperties;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * TLS is a layer over the TCP transport service ({@code switchboard.transport=tcp}): while one
 * is registered, this registers over it, when the framework properties name a certificate and
 * key ({@code switchboard.tls.cert}, {@code switchboard.tls.key}, see {@link ServerProperties}),
 * a TLS server {@link Transport} with {@code switchboard.transport=tls}, and always the default
 * client transport ({@code wss://} with the JDK's trust store and full verification) with
 * {@code switchboard.transport=tls-client}, for {@code WebSocketClient}s made inside the
 * framework. When that TCP transport goes, both go, and come back over the next one. Files that
 * do not load make {@code start} throw with their one-line message, so the bundle does not start
 * and the framework reports why.
 */
public final class TlsActivator implements BundleActivator {

    private ServiceTracker<Transport, Transport> tracker;

    @Override
    public void start(BundleContext context) throws InvalidSyntaxException {
        Optional<TlsServer> server = ServerProperties.server(context::getProperty);
        tracker = new ServiceTracker<>(context, context.createFilter("(&(objectClass=" + Transport.class.getName()
                + ")(switchboard.transport=tcp))"), new Layer(context, server));
        tracker.open();
    }

    @Override
    public void stop(BundleContext context) {
        tracker.close();
    }

    /**
     * Keeps the TLS services registered over one TCP transport service, the first that came and
     * is still there. Its callbacks are serialised by the framework for this tracker.
     */
    private static final class Layer implements ServiceTrackerCustomizer<Transport, Transport> {
        private final BundleContext context;
        private final Optional<TlsServer> server;
        /** The TCP transports seen and not yet gone, in arrival order. */
        private final Map<ServiceReference<Transport>, Transport> available = new LinkedHashMap<>();
        private ServiceReference<Transport> inUse;
        private ServiceRegistration<Transport> serverRegistration;
        private ServiceRegistration<Transport> clientRegistration;

        Layer(BundleContext context, Optional<TlsServer> server) {
            this.context = context;
            this.server = server;
        }

        @Override
        public Transport addingService(ServiceReference<Transport> reference) {
            Transport tcp = context.getService(reference);
            if (tcp != null) {
                available.put(reference, tcp);
                if (inUse == null) {
                    register(reference, tcp);
                }
            }
            return tcp;
        }

        @Override
        public void modifiedService(ServiceReference<Transport> reference, Transport tcp) {
        }

        @Override
        public void removedService(ServiceReference<Transport> reference, Transport tcp) {
            available.remove(reference);
            if (reference.equals(inUse)) {
                unregister();
                available.entrySet().stream().findFirst().ifPresent(next -> register(next.getKey(), next.getValue()));
            }
            context.ungetService(reference);
        }

        private void register(ServiceReference<Transport> reference, Transport tcp) {
            inUse = reference;
            server.ifPresent(s -> serverRegistration = context.registerService(Transport.class, s.over(tcp),
                    properties("tls")));
            clientRegistration = context.registerService(Transport.class, new DefaultTlsTransport(tcp),
                    properties("tls-client"));
        }

        private void unregister() {
            if (serverRegistration != null) {
                serverRegistration.unregister();
                serverRegistration = null;
            }
            if (clientRegistration != null) {
                clientRegistration.unregister();
                clientRegistration = null;
            }
            inUse = null;
        }

        private static Dictionary<String, Object> properties(String kind) {
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put("switchboard.transport", kind);
            return properties;
        }
    }
}
