package io.switchboard.handlers.echo.osgi;

import io.switchboard.api.WebSocketHandler;
import io.switchboard.handlers.echo.EchoHandler;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** Registers the echo handler as a whiteboard service on {@code /ws}. */
public final class EchoActivator implements BundleActivator {

    private ServiceRegistration<WebSocketHandler> registration;

    @Override
    public void start(BundleContext context) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(WebSocketHandler.PATH_PROPERTY, EchoHandler.PATH);
        registration = context.registerService(WebSocketHandler.class, new EchoHandler(), properties);
    }

    @Override
    public void stop(BundleContext context) {
        registration.unregister();
    }
}
