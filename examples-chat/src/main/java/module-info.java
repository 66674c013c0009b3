/**
 * The chat example: a handler bundle with rooms, broadcast through {@code Topics}, join and
 * leave notices, and the browser page it serves itself. Depends on the API alone; the
 * Declarative Services annotations are read at build time only.
 */
module io.switchboard.examples.chat {
    requires io.switchboard.api;
    requires static org.osgi.service.component.annotations;
}
