/**
 * TLS for Switchboard. So far it holds the PEM reader that the TLS server and client will
 * build their key material from; the TLS service itself arrives with its own issue.
 */
module io.switchboard.tls {
    requires io.switchboard.api;
}
