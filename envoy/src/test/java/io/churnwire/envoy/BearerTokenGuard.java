package io.churnwire.envoy;

import io.churnwire.v1.ChurnServiceGrpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import java.util.Map;
import java.util.Set;

/**
 * The server's bearer-token rule as the REST tests need it, put on a test server: health is open,
 * {@code ChurnService} needs the {@code predict} role, anything else any known token. It lets the
 * tests prove that Envoy forwards a REST client's {@code authorization} header and maps the
 * refusals to HTTP 401 and 403.
 */
final class BearerTokenGuard implements ServerInterceptor {
  static final String PREDICT = "predict";
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "Bearer ";

  private final Map<String, Set<String>> rolesByToken;

  BearerTokenGuard(Map<String, Set<String>> rolesByToken) {
    this.rolesByToken = Map.copyOf(rolesByToken);
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    String service = call.getMethodDescriptor().getServiceName();
    if (HealthGrpc.SERVICE_NAME.equals(service)) {
      return next.startCall(call, headers);
    }
    String authorization = headers.get(AUTHORIZATION);
    Set<String> roles = authorization != null && authorization.startsWith(BEARER)
        ? rolesByToken.get(authorization.substring(BEARER.length()))
        : null;
    if (roles == null) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("a valid bearer token is required"));
    }
    if (ChurnServiceGrpc.SERVICE_NAME.equals(service) && !roles.contains(PREDICT)) {
      return refuse(call, Status.PERMISSION_DENIED.withDescription("the role predict is required"));
    }
    return next.startCall(call, headers);
  }

  private static <Q, A> ServerCall.Listener<Q> refuse(ServerCall<Q, A> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
