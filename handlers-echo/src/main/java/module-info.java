/**
 * The echo handler: a model handler bundle. It sends every message back as it came, on
 * {@code /ws}. Depends on the API alone; registered as an OSGi service by its activator, or
 * found through {@code ServiceLoader} on the module path.
 */
module io.switchboard.handlers.echo {
    requires io.switchboard.api;
    requires static osgi.core;

    provides io.switchboard.api.WebSocketHandler with io.switchboard.handlers.echo.EchoHandler;
}
