/**
 * The only code below Quarkus REST's own API, kept in one place because it depends on how the
 * HTTP layer works inside, not on what the service decides:
 * <ul>
 * <li>{@link dev.gpuconfig.transport.BatchAnswersWriter} writes a batch's answers into pooled
 * memory of the I/O layer: a 1,000-item answer assembled on the heap is about 3 MB that lives
 * just long enough to be promoted, so concurrent batches would fill the old generation and
 * force full collections.</li>
 * <li>{@link dev.gpuconfig.transport.HttpBatchClient} tells a batch whether its client is still
 * there and when its answer has left the process, so the batch's room among the items in flight
 * is held exactly as long as its answer takes memory.</li>
 * <li>{@link dev.gpuconfig.transport.BatchGate} refuses a batch before its body is read when the
 * queue is full, so a refused client costs no body.</li>
 * <li>{@link dev.gpuconfig.transport.EventLoops} sets how many I/O threads the server runs when
 * nobody has, before Quarkus starts.</li>
 * </ul>
 * If Quarkus REST or Vert.x change these internals, only this package follows.
 */
package dev.gpuconfig.transport;
