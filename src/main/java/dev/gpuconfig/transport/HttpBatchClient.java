package dev.gpuconfig.transport;

import dev.gpuconfig.batch.BatchClient;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The connection of a batch's client: whether it is still open, and when the batch's answer has
 * left the process, written to the socket or cut off by the connection closing.
 *
 * <p>Why not the request's end handler alone: Vert.x runs it when the response is handed to the
 * connection, before any byte is written, so a batch's room would be given back while its answer
 * (about 3 MB for 1,000 items) still waits unsent, and answers to slow readers would pile up past
 * the bound. Netty writes a connection's messages in
 * order and completes each write's promise once its bytes are in the socket, so an empty write
 * queued after the response completes when the response has left; Vert.x flushes its own
 * connections the same way before a close. And the end handler misses a client that leaves: it
 * hangs on the response's one close handler, which Quarkus REST replaces, and adding it to a
 * response already closed throws. So the channel's close is watched too, and the action runs
 * once, on whichever comes first. The connection class is Vert.x's internal API, as Quarkus REST
 * uses it too; for a connection that is not one, or is HTTP/2 (whose flow control may hold data
 * back after an empty write passed), the action runs when the response is handed over.
 */
public final class HttpBatchClient implements BatchClient {
    private final RoutingContext http;

    public HttpBatchClient(RoutingContext http) {
        this.http = http;
    }

    @Override
    public boolean waits() {
        return !http.response().closed();
    }

    /** Runs {@code action} once, when the response has left or cannot anymore. */
    @Override
    public void whenWritten(Runnable action) {
        AtomicBoolean ran = new AtomicBoolean();
        Runnable once = () -> {
            if (ran.compareAndSet(false, true)) {
                action.run();
            }
        };
        if (http.request().version() == HttpVersion.HTTP_2 || !(http.request().connection() instanceof ConnectionBase connection)) {
            whenHandedOver(http, once);
            return;
        }
        Channel channel = connection.channel();
        // runs at once if the channel is already closed; removed once the answer has left, so a
        // keep-alive connection does not gather one listener per answer
        ChannelFutureListener closed = f -> once.run();
        channel.closeFuture().addListener(closed);
        whenHandedOver(http, () -> {
            ChannelPromise written = channel.newPromise();
            written.addListener(f -> {
                channel.closeFuture().removeListener(closed);
                once.run();
            });
            connection.writeToChannel(Unpooled.EMPTY_BUFFER, true, written);
        });
    }

    /** Runs {@code next} when the response is handed to the connection, or at once if it never will be. */
    private static void whenHandedOver(RoutingContext http, Runnable next) {
        if (http.response().closed()) {
            next.run(); // a closed channel fails the write at once, and the action runs
            return;
        }
        try {
            http.addEndHandler(ended -> next.run());
        } catch (IllegalStateException closedMeanwhile) { // Vert.x refuses handlers on a closed response
            next.run();
        }
    }
}
