package dev.gpuconfig.transport;

import dev.gpuconfig.api.Problem;
import dev.gpuconfig.batch.BatchAnswers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerHttpRequest;
import org.jboss.resteasy.reactive.server.spi.ServerMessageBodyWriter;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * Writes a batch's answers straight into pooled memory of the I/O layer, given back when the
 * write has completed. A byte[] answer would be assembled on the heap first and then copied there
 * by the server anyway (BatchAnswers says what the heap copy cost).
 */
@Provider
@Produces(MediaType.APPLICATION_JSON)
public class BatchAnswersWriter implements ServerMessageBodyWriter<BatchAnswers> {
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, ResteasyReactiveResourceInfo target, MediaType mediaType) {
        return BatchAnswers.class.isAssignableFrom(type);
    }

    // Buffer.buffer(ByteBuf) is deprecated in Vert.x 4.5 (Quarkus 3.33's) and leaves the public
    // API in Vert.x 5: moving to it means wrapping the ByteBuf another way here.
    @SuppressWarnings("deprecation")
    @Override
    public void writeResponse(BatchAnswers answers, Type genericType, ServerRequestContext context) throws IOException {
        // the Vert.x response behind Quarkus REST's (which writes only byte[] and String itself)
        HttpServerResponse response = ((ServerHttpRequest) context.serverResponse())
                .unwrap(HttpServerResponse.class);
        byte[][] items = answers.items(BatchAnswersWriter::problem);
        ByteBuf bytes = PooledByteBufAllocator.DEFAULT.directBuffer(BatchAnswers.length(items));
        try {
            BatchAnswers.writeTo(items, new ByteBufOutputStream(bytes));
            // Vert.x does not release a buffer it was handed: this one goes back to the pool once
            // the write completed or failed
            response.end(Buffer.buffer(bytes)).onComplete(written -> bytes.release());
        } catch (IOException | RuntimeException | Error e) { // a closed response refuses the end
            bytes.release();
            throw e;
        }
    }

    // the JAX-RS form, for a caller outside Quarkus REST's own path; not used by the service
    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return BatchAnswers.class.isAssignableFrom(type);
    }

    @Override
    public void writeTo(BatchAnswers answers, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                        jakarta.ws.rs.core.MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
        BatchAnswers.writeTo(answers.items(BatchAnswersWriter::problem), out);
    }

    private static byte[] problem(dev.gpuconfig.decide.DecideException refusal) {
        try {
            return MAPPER.writeValueAsBytes(Problem.of(refusal));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a problem as JSON", e);
        }
    }
}
