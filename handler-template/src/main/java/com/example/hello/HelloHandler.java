package com.example.hello;

import io.switchboard.api.Message;
import io.switchboard.api.Request;
import io.switchboard.api.WebSocket;
import io.switchboard.api.WebSocketHandler;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;

/**
 * Answers each text message {@code name} on {@code ws://host:8080/hello} with
 * {@code "Hello, name!"}.
 *
 * <p>A Declarative Services component: Felix SCR in the launcher registers it as a
 * {@link WebSocketHandler} service with the path property, and Switchboard routes the path to
 * it. Its settings come from the component's configuration (PID {@code com.example.hello.HelloHandler});
 * a changed configuration applies to new messages without a restart ({@link Modified}).
 * The server calls {@link #handle} on each connection's own virtual thread.
 */
@Component(property = WebSocketHandler.PATH_PROPERTY + "=/hello")
public class HelloHandler implements WebSocketHandler {

    /** The component's settings, with their defaults. */
    @interface Config {
        /** The word in front of each reply. */
        String greeting() default "Hello";
    }

    /** Written by SCR on (re)configuration, read by every connection's thread. */
    private volatile String greeting = "Hello";

    @Activate
    @Modified
    void configure(Config config) {
        greeting = config.greeting();
    }

    @Override
    public void handle(Request request, WebSocket ws) {
        Message msg;
        while ((msg = ws.read()) != null) { // null once the connection has ended
            if (msg instanceof Message.Text text) {
                ws.send(greeting + ", " + text.text() + "!");
            }
        }
    }
}
