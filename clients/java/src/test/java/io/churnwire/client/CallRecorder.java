package io.churnwire.client;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A server interceptor that notes, for every call the server receives, the {@code authorization}
 * header and the subject of the client certificate, so tests see what reached the server.
 */
final class CallRecorder implements ServerInterceptor {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * What one call carried.
   *
   * @param method full method name
   * @param authorization the {@code authorization} header, if sent
   * @param clientSubject the client certificate's subject (RFC 2253), if one was presented
   */
  record Seen(String method, Optional<String> authorization, Optional<String> clientSubject) {}

  private final List<Seen> calls = new CopyOnWriteArrayList<>();

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    calls.add(new Seen(call.getMethodDescriptor().getFullMethodName(),
        Optional.ofNullable(headers.get(AUTHORIZATION)), clientSubject(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION))));
    return next.startCall(call, headers);
  }

  private static Optional<String> clientSubject(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      Principal peer = session.getPeerPrincipal();
      return Optional.of(peer.getName());
    } catch (SSLPeerUnverifiedException noCertificate) {
      return Optional.empty();
    }
  }

  List<Seen> calls() {
    return List.copyOf(calls);
  }

  void clear() {
    calls.clear();
  }
}
