package io.switchboard.tls.osgi;

import io.switchboard.api.spi.Transport;
import io.switchboard.tls.internal.DefaultTlsTransport;
import io.switchboard.tls.internal.ServerProperties;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * When the framework properties name a certificate and key ({@code switchboard.tls.cert},
 * {@code switchboard.tls.key}, see {@link ServerProperties}), registers a TLS server
 * {@link Transport} with the service property {@code switchboard.transport=tls}; otherwise does
 * nothing. Either way it registers the default client transport ({@code wss://} with the JDK's
 * trust store and full verification) with {@code switchboard.transport=tls-client}, for
 * {@code WebSocketClient}s made inside the framework. Files that do not load make {@code start} throw with their one-line message, so the
 * bundle does not start and the framework reports why.
 */
public final class TlsActivator implements BundleActivator {

    private ServiceRegistration<Transport> registration;
    private ServiceRegistration<Transport> client;

    @Override
    public void start(BundleContext context) {
        ServerProperties.server(context::getProperty).ifPresent(server -> {
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put("switchboard.transport", "tls");
            registration = context.registerService(Transport.class, server, properties);
        });
        Dictionary<String, Object> clientProperties = new Hashtable<>();
        clientProperties.put("switchboard.transport", "tls-client");
        client = context.registerService(Transport.class, new DefaultTlsTransport(), clientProperties);
    }

    @Override
    public void stop(BundleContext context) {
        client.unregister();
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }
}
