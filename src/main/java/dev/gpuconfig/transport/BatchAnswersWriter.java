package dev.gpuconfig.transport;

import dev.gpuconfig.api.Problem;
import dev.gpuconfig.batch.BatchAnswers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
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
 * Writes a batch's answers straight into pooled memory of the I/O layer, in parts, given back
 * when the write has completed. A byte[] answer would be assembled on the heap first and then copied there
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
        CompositeByteBuf bytes = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer(Integer.MAX_VALUE);
        Parts parts = new Parts(bytes);
        try {
            BatchAnswers.writeTo(items, parts);
            parts.close();
            // Vert.x does not release a buffer it was handed: this one goes back to the pool once
            // the write completed or failed
            response.end(Buffer.buffer(bytes)).onComplete(written -> bytes.release());
        } catch (IOException | RuntimeException | Error e) { // a closed response refuses the end
            parts.close(); // the part being filled belongs to the whole, which gives it back
            bytes.release();
            throw e;
        }
    }

    /**
     * Writes into pooled parts of {@link #PART} bytes added to {@code whole}: an answer larger than
     * the allocator's chunk (a 1,000-item batch is about 5.5 MB) would otherwise be allocated
     * outside the pool at each batch, and those allocations raised resident memory.
     */
    private static final class Parts extends OutputStream {
        static final int PART = 256 * 1024;
        private final CompositeByteBuf whole;
        private ByteBuf part;

        Parts(CompositeByteBuf whole) {
            this.whole = whole;
        }

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (part == null) {
                    part = PooledByteBufAllocator.DEFAULT.directBuffer(PART, PART);
                }
                int n = Math.min(len, part.writableBytes());
                part.writeBytes(b, off, n);
                off += n;
                len -= n;
                if (!part.isWritable()) {
                    close();
                }
            }
        }

        /** Hands the part being filled to the whole (a part joins it only once written). */
        @Override
        public void close() {
            if (part != null) {
                whole.addComponent(true, part);
                part = null;
            }
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
