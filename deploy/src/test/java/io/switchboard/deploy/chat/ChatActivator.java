package io.switchboard.deploy.chat;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import io.switchboard.api.Topics;
import io.switchboard.api.WebSocketHandler;
import java.net.InetSocketAddress;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The chat room the deployment test drops into every instance, as a handler bundle that
 * imports {@code io.switchboard.api} alone: {@code /chat} subscribes each session to the topic
 * "chat", greets it with "joined &lt;port of the instance&gt;", and publishes every message it
 * sends to the topic, so it reaches every session of every instance.
 */
public final class ChatActivator implements BundleActivator {

    private ServiceTracker<Topics, Topics> topics;

    @Override
    public void start(BundleContext context) {
        topics = new ServiceTracker<>(context, Topics.class, null);
        topics.open();
        WebSocketHandler chat = (request, ws) -> {
            Topics room = topics.getService();
            if (room == null) {
                ws.close(CloseStatus.TRY_AGAIN_LATER, "no topics service");
                return;
            }
            room.subscribe("chat", ws);
            ws.send("joined " + ((InetSocketAddress) request.localAddress()).getPort());
            Message msg;
            while ((msg = ws.read()) != null) {
                room.publish("chat", msg);
            }
        };
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(WebSocketHandler.PATH_PROPERTY, "/chat");
        context.registerService(WebSocketHandler.class, chat, properties);
    }

    @Override
    public void stop(BundleContext context) {
        topics.close();
    }
}
