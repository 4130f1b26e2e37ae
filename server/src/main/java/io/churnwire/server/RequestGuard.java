package io.churnwire.server;

import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import com.google.rpc.Status;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.ForwardingServerCall;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Makes every request that cannot be decoded an {@code INVALID_ARGUMENT} answer, on any service.
 *
 * <p>grpc-java closes a call {@code UNKNOWN} and logs a stack trace whenever a request marshaller
 * throws. This guard rebuilds a service definition so that parsing never throws: a message that
 * does not decode (random bytes, a truncated message, a string that is not valid UTF-8) becomes a
 * {@link DecodeFailure} value. A call whose handler did not ask for such values is closed
 * {@code INVALID_ARGUMENT} naming the field; a streaming handler that {@linkplain #onUndecodable
 * takes them} answers them as items and keeps its stream. Each failure is logged as one
 * rate-limited line without a stack trace.
 */
public final class RequestGuard {
  private static final Logger log = LoggerFactory.getLogger(RequestGuard.class);
  private static final RateLimitedLog failures = new RateLimitedLog(log, Level.WARN, 10, TimeUnit.SECONDS);
  private static final Context.Key<Sink> SINK = Context.key("churnwire-undecodable-requests");

  private RequestGuard() {}

  /** {@code service} with every request marshaller guarded. */
  public static ServerServiceDefinition guard(BindableService service) {
    return guard(service.bindService());
  }

  /** {@code service} with every request marshaller guarded; the schema (for reflection) is kept. */
  public static ServerServiceDefinition guard(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
        .setSchemaDescriptor(original.getSchemaDescriptor());
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<?, ?> wrapped = guard(method);
      methods.add(wrapped);
      descriptor.addMethod(wrapped.getMethodDescriptor());
    }
    ServerServiceDefinition.Builder guarded = ServerServiceDefinition.builder(descriptor.build());
    for (ServerMethodDefinition<?, ?> method : methods) {
      guarded.addMethod(method);
    }
    return guarded.build();
  }

  /**
   * Lets the streaming handler now being started answer undecodable messages itself, in order with
   * the others, instead of the call being closed. Call it while the handler is invoked.
   *
   * @return false when the current call is not guarded (the consumer will never be called)
   */
  public static boolean onUndecodable(Consumer<DecodeFailure> consumer) {
    Sink sink = SINK.get();
    if (sink == null) {
      return false;
    }
    sink.consumer = consumer;
    return true;
  }

  private static <ReqT, RespT> ServerMethodDefinition<Object, RespT> guard(ServerMethodDefinition<ReqT, RespT> method) {
    MethodDescriptor<ReqT, RespT> descriptor = method.getMethodDescriptor();
    MethodDescriptor<Object, RespT> guarded =
        descriptor.toBuilder(new GuardedMarshaller<>(descriptor.getRequestMarshaller()),
            descriptor.getResponseMarshaller()).build();
    return ServerMethodDefinition.create(guarded, new GuardedHandler<>(method.getServerCallHandler()));
  }

  /** Where a streaming handler takes the undecodable messages of its call. */
  private static final class Sink {
    volatile Consumer<DecodeFailure> consumer;
  }

  /** Parses as the original marshaller does, but answers a {@link DecodeFailure} instead of throwing. */
  private static final class GuardedMarshaller<T> implements MethodDescriptor.Marshaller<Object> {
    private final MethodDescriptor.Marshaller<T> original;
    private final MessageLite prototype;

    GuardedMarshaller(MethodDescriptor.Marshaller<T> original) {
      this.original = original;
      this.prototype = original instanceof MethodDescriptor.PrototypeMarshaller<T> prototyped
          && prototyped.getMessagePrototype() instanceof MessageLite message ? message : null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public InputStream stream(Object value) {
      return original.stream((T) value);
    }

    @Override
    public Object parse(InputStream stream) {
      byte[] bytes;
      try (stream) {
        bytes = readAll(stream);
      } catch (IOException | RuntimeException e) {
        return DecodeFailure.opaque(typeName(), e);
      }
      try {
        return prototype != null
            ? prototype.getParserForType().parseFrom(bytes)
            : original.parse(new ByteArrayInputStream(bytes));
      } catch (Throwable e) {
        return prototype instanceof Message message
            ? DecodeFailure.diagnose(message.getDescriptorForType(), bytes, e)
            : DecodeFailure.opaque(typeName(), e);
      }
    }

    /**
     * The message's bytes. grpc-java's message streams know their length ({@link KnownLength}), so
     * they are copied once into an array of that size, not through the 16 KiB buffers of
     * {@link InputStream#readAllBytes}.
     */
    private static byte[] readAll(InputStream stream) throws IOException {
      if (!(stream instanceof KnownLength)) {
        return stream.readAllBytes();
      }
      byte[] bytes = new byte[stream.available()];
      int read = stream.readNBytes(bytes, 0, bytes.length);
      if (read < bytes.length) {
        return Arrays.copyOf(bytes, read);
      }
      if (stream.available() == 0) {
        return bytes;
      }
      byte[] rest = stream.readAllBytes();
      byte[] all = Arrays.copyOf(bytes, bytes.length + rest.length);
      System.arraycopy(rest, 0, all, bytes.length, rest.length);
      return all;
    }

    private String typeName() {
      return prototype instanceof Message message
          ? message.getDescriptorForType().getFullName()
          : "request message";
    }
  }

  /** Starts the original handler on a call it cannot send to once the guard has closed it. */
  private static final class GuardedHandler<ReqT, RespT> implements ServerCallHandler<Object, RespT> {
    private final ServerCallHandler<ReqT, RespT> original;

    GuardedHandler(ServerCallHandler<ReqT, RespT> original) {
      this.original = original;
    }

    @Override
    @SuppressWarnings("unchecked")
    public ServerCall.Listener<Object> startCall(ServerCall<Object, RespT> call, Metadata headers) {
      GuardedCall<RespT> guarded = new GuardedCall<>(call);
      Sink sink = new Sink();
      Context context = Context.current().withValue(SINK, sink);
      Context previous = context.attach();
      ServerCall.Listener<ReqT> listener;
      try {
        listener = original.startCall((ServerCall<ReqT, RespT>) (ServerCall<?, RespT>) guarded, headers);
      } finally {
        context.detach(previous);
      }
      return new GuardedListener<>(listener, guarded, sink);
    }
  }

  /** Hands decoded messages on; answers or routes undecodable ones. */
  private static final class GuardedListener<ReqT> extends ServerCall.Listener<Object> {
    private final ServerCall.Listener<ReqT> delegate;
    private final GuardedCall<?> call;
    private final Sink sink;

    GuardedListener(ServerCall.Listener<ReqT> delegate, GuardedCall<?> call, Sink sink) {
      this.delegate = delegate;
      this.call = call;
      this.sink = sink;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onMessage(Object message) {
      if (call.closedByGuard()) {
        return;
      }
      if (message instanceof DecodeFailure failure) {
        String method = call.getMethodDescriptor().getFullMethodName();
        failures.log("undecodable request on {}: {}", method,
            SafeLog.value(failure.message(), SafeLog.MAX_MESSAGE_CHARS));
        Consumer<DecodeFailure> consumer = sink.consumer;
        if (consumer != null) {
          consumer.accept(failure);
        } else {
          call.closeByGuard(failure.toStatus(""));
        }
        return;
      }
      delegate.onMessage((ReqT) message);
    }

    @Override
    public void onHalfClose() {
      if (!call.closedByGuard()) {
        delegate.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      delegate.onCancel();
    }

    @Override
    public void onComplete() {
      delegate.onComplete();
    }

    @Override
    public void onReady() {
      if (!call.closedByGuard()) {
        delegate.onReady();
      }
    }
  }

  /** The call as the handler sees it: once the guard has answered it, the handler's writes are dropped. */
  private static final class GuardedCall<RespT> extends ForwardingServerCall.SimpleForwardingServerCall<Object, RespT> {
    private boolean closed;
    private boolean closedByGuard;

    GuardedCall(ServerCall<Object, RespT> delegate) {
      super(delegate);
    }

    synchronized boolean closedByGuard() {
      return closedByGuard;
    }

    synchronized void closeByGuard(Status status) {
      if (closed) {
        return;
      }
      closed = true;
      closedByGuard = true;
      StatusRuntimeException exception = StatusProto.toStatusRuntimeException(status);
      Metadata trailers = exception.getTrailers();
      super.close(exception.getStatus(), trailers == null ? new Metadata() : trailers);
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      if (!closed) {
        super.sendHeaders(headers);
      }
    }

    @Override
    public synchronized void sendMessage(RespT message) {
      if (!closed) {
        super.sendMessage(message);
      }
    }

    @Override
    public synchronized void close(io.grpc.Status status, Metadata trailers) {
      if (!closed) {
        closed = true;
        super.close(status, trailers);
      }
    }
  }
}
