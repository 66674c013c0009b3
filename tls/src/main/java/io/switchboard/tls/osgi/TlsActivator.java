package io.switchboard.tls.osgi;

import io.switchboard.api.spi.Transport;
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
 * nothing. Files that do not load make {@code start} throw with their one-line message, so the
 * bundle does not start and the framework reports why.
 */
public final class TlsActivator implements BundleActivator {

    private ServiceRegistration<Transport> registration;

    @Override
    public void start(BundleContext context) {
        ServerProperties.server(context::getProperty).ifPresent(server -> {
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put("switchboard.transport", "tls");
            registration = context.registerService(Transport.class, server, properties);
        });
    }

    @Override
    public void stop(BundleContext context) {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }
}
