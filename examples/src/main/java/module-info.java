/** The tour's echo server and client, as an embedding program writes them. */
module io.switchboard.examples {
    requires io.switchboard.websocket;

    uses io.switchboard.api.WebSocketHandler;
}
