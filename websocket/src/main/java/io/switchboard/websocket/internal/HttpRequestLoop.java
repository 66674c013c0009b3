package io.switchboard.websocket.internal;

import io.switchboard.api.Headers;
import io.switchboard.api.HttpHandler;
import io.switchboard.api.Response;
import io.switchboard.api.spi.Connection;
import io.switchboard.websocket.internal.HttpHead.HttpException;
import io.switchboard.websocket.internal.ServerHandshake.RequestLine;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Serves plain HTTP {@code GET}/{@code HEAD} requests on one connection, on the connection's
 * own thread, from the first request (already read by the server with the upgrade path's
 * parser) through every further request the client sends on the kept-alive connection.
 *
 * <p>Every request head is read with {@link HttpHead#read} under the same size limit, and must
 * be complete within the same timeout as an upgrade request (which also bounds how long an idle
 * kept-alive connection is held); every response write is bounded by the write timeout.
 * Requests with a body, other methods and bad {@code Host} fields are refused and the
 * connection closed. A later request that is not for a plain route (e.g. a WebSocket upgrade)
 * is refused too: an upgrade opens a connection of its own. One instance per server;
 * thread-safe (it holds no per-connection state).
 */
public final class HttpRequestLoop {

    private static final System.Logger LOG = System.getLogger(HttpRequestLoop.class.getName());
    /** Body bytes up to this size are written together with the head, in one write. */
    private static final int SMALL_BODY = 16 * 1024;

    private final HttpRoutes routes;
    private final int maxHeadSize;
    private final Duration requestTimeout;
    private final Duration writeTimeout;
    private final BooleanSupplier stopping;
    private final IntConsumer statuses;
    /** Refused requests and dropped slow readers, summed up for the log (a flood logs one line per 10 s). */
    private final IncidentSummary incidents;

    /**
     * @param requestTimeout time for one complete request head, counted from the end of the previous response
     * @param writeTimeout bound on writing one response, zero for none
     * @param stopping true while the server stops: responses then close their connection
     * @param statuses told the status of every response sent
     * @param incidents where refusals and dropped connections are counted; each is logged at DEBUG only
     */
    public HttpRequestLoop(HttpRoutes routes, int maxHeadSize, Duration requestTimeout, Duration writeTimeout,
            BooleanSupplier stopping, IntConsumer statuses, IncidentSummary incidents) {
        this.incidents = incidents;
        this.routes = routes;
        this.maxHeadSize = maxHeadSize;
        this.requestTimeout = requestTimeout;
        this.writeTimeout = writeTimeout;
        this.stopping = stopping;
        this.statuses = statuses;
    }

    /**
     * Answers {@code head} (whose path {@link HttpRoutes#serves has a plain route}) and the
     * requests following it, until the client or a refusal ends the connection. Returns when the
     * connection is to be closed.
     *
     * @param handshakeDeadline the deadline that was bounding the first head; cancelled here
     */
    public void serve(Connection connection, InputStream in, HttpHead head, RequestLine line,
            ScheduledFuture<?> handshakeDeadline) {
        if (!handshakeDeadline.cancel(false)) {
            return; // it fired and closed the connection
        }
        while (true) {
            if (!answer(connection, head, line)) {
                return;
            }
            ScheduledFuture<?> deadline = Timer.after(requestTimeout, () -> {
                LOG.log(Level.DEBUG, "{0}: idle HTTP connection closed after {1} ms", connection.remoteAddress(),
                        String.valueOf(requestTimeout.toMillis()));
                connection.close();
            });
            try {
                head = HttpHead.read(in, maxHeadSize);
                line = ServerHandshake.parseRequestLine(head.startLine());
            } catch (HttpException e) {
                refuse(connection, e.status(), e.getMessage(), Headers.empty());
                return;
            } catch (EOFException e) {
                return; // the client closed its kept-alive connection
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "{0}: HTTP connection ended: {1}", connection.remoteAddress(), e.toString());
                return;
            } finally {
                deadline.cancel(false);
            }
            if (!routes.serves(line.path(), head.headers())) {
                if (head.headers().containsToken("Upgrade", "websocket")) {
                    refuse(connection, 400, "a WebSocket upgrade must be the first request on its connection",
                            Headers.empty());
                } else {
                    refuse(connection, 404, "no HTTP handler for " + line.path(), Headers.empty());
                }
                return;
            }
        }
    }

    /** Answers one request; returns whether the connection stays open for another. */
    private boolean answer(Connection connection, HttpHead head, RequestLine line) {
        String method = line.method();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            refuse(connection, 405, method + " is not allowed on " + line.path(), Headers.of("Allow", "GET, HEAD"));
            return false;
        }
        Headers headers = head.headers();
        List<String> hosts = headers.all("Host");
        if (hosts.size() != 1 || !ServerHandshake.isValidHost(hosts.get(0))) {
            refuse(connection, 400, "an HTTP/1.1 request needs exactly one valid Host header", Headers.empty());
            return false;
        }
        if (headers.contains("Transfer-Encoding")
                || !headers.all("Content-Length").stream().allMatch(length -> length.equals("0"))) {
            refuse(connection, 400, method + " requests must not have a body", Headers.empty());
            return false;
        }
        HttpHandler handler = routes.find(line.path());
        if (handler == null) { // removed since the request was routed
            refuse(connection, 404, "no HTTP handler for " + line.path(), Headers.empty());
            return false;
        }
        UpgradeRequest request = UpgradeRequest.of(method, line.path(), line.rawQuery(), headers,
                connection.remoteAddress(), connection.localAddress());
        Response response;
        try {
            response = handler.handle(request);
            if (response == null) {
                throw new NullPointerException("the handler returned no response");
            }
        } catch (Throwable e) {
            LOG.log(Level.ERROR, "HTTP handler for " + line.path() + " failed on " + request + " from "
                    + connection.remoteAddress(), e);
            refuse(connection, 500, "internal error", Headers.empty());
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
            return false;
        }
        boolean close = headers.containsToken("Connection", "close") || stopping.getAsBoolean();
        return write(connection, response, method.equals("HEAD"), close) && !close;
    }

    /** Writes {@code response} within the write timeout; returns false if that failed. */
    private boolean write(Connection connection, Response response, boolean headOnly, boolean close) {
        ScheduledFuture<?> deadline = writeTimeout.isZero() ? null : Timer.after(writeTimeout, () -> {
            incidents.rejected("write timeout");
            LOG.log(Level.DEBUG, "{0}: HTTP response not taken within {1} ms; connection dropped",
                    connection.remoteAddress(), String.valueOf(writeTimeout.toMillis()));
            connection.close();
        });
        try (InputStream body = response.body()) {
            long length = response.length();
            byte[] head = HttpResponses.head(response.status(), response.contentType(), response.headers(), length,
                    close);
            OutputStream out = connection.output();
            statuses.accept(response.status());
            if (headOnly) {
                out.write(head);
            } else if (length >= 0 && length <= SMALL_BODY) {
                byte[] all = java.util.Arrays.copyOf(head, head.length + (int) length);
                int read = body.readNBytes(all, head.length, (int) length);
                if (read != length) {
                    throw new EOFException("the response body ended after " + read + " of " + length + " bytes");
                }
                out.write(all);
            } else if (length >= 0) {
                out.write(head);
                long sent = body.transferTo(new BoundedOutput(out, length));
                if (sent != length) {
                    throw new EOFException("the response body ended after " + sent + " of " + length + " bytes");
                }
            } else {
                out.write(head);
                try (OutputStream chunked = new HttpResponses.ChunkedOutput(out)) {
                    body.transferTo(chunked);
                }
            }
            out.flush();
            return true;
        } catch (IOException e) {
            // The client went away, or a stream body failed half-way: the response cannot be
            // completed, so the connection ends (the client sees a short body, not a wrong one).
            LOG.log(Level.DEBUG, "{0}: HTTP response not completed: {1}", connection.remoteAddress(), e.toString());
            return false;
        } finally {
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
    }

    private void refuse(Connection connection, int status, String message, Headers headers) {
        incidents.rejected(Integer.toString(status));
        LOG.log(Level.DEBUG, "{0}: HTTP request refused with {1}: {2}", connection.remoteAddress(),
                Integer.toString(status), message);
        statuses.accept(status);
        try {
            connection.output().write(ServerHandshake.errorResponse(status, message, headers));
            connection.output().flush();
        } catch (IOException e) {
            // The client is gone; nothing else to tell it.
        }
    }

    /** Passes at most {@code limit} bytes on; more is a handler bug, failed as such. */
    private static final class BoundedOutput extends OutputStream {
        private final OutputStream out;
        private long left;

        BoundedOutput(OutputStream out, long limit) {
            this.out = out;
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > left) {
                throw new IOException("the response body is longer than its declared length");
            }
            out.write(b, off, len);
            left -= len;
        }
    }
}
