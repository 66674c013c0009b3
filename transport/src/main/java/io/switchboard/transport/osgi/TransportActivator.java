package io.switchboard.transport.osgi;

import io.switchboard.api.spi.Transport;
import io.switchboard.transport.internal.TcpTransport;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** Registers the TCP transport as an OSGi service while the bundle is active. */
public final class TransportActivator implements BundleActivator {

    private ServiceRegistration<Transport> registration;

    @Override
    public void start(BundleContext context) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("switchboard.transport", "tcp");
        registration = context.registerService(Transport.class, new TcpTransport(), properties);
    }

    @Override
    public void stop(BundleContext context) {
        registration.unregister();
    }
}
