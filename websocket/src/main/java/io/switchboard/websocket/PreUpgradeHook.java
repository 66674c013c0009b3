package io.switchboard.websocket;

import io.switchboard.api.Request;
import java.util.Optional;

/**
 * Sees every upgrade request routed to a handler before the upgrade happens, and may answer it
 * with a plain HTTP response instead (authentication, rate limits). Called on the connection's
 * virtual thread, after the request was found to be a valid upgrade and before the handler's
 * origin check and sub-protocol selection. A hook that throws answers 500.
 */
@FunctionalInterface
public interface PreUpgradeHook {

    /** Returns a response to refuse the upgrade with, or empty (or null) to let it proceed. */
    Optional<HttpResponse> check(Request request) throws Exception;
}
