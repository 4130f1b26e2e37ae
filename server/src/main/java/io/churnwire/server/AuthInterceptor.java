package io.churnwire.server;

import io.churnwire.v1.ChurnMonitoringServiceGrpc;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Lets a call through only with the role its method needs: {@code predict} for
 * {@code ChurnService}, {@code admin} for {@code ModelAdminService}, {@code insights} for
 * {@code ChurnInsightsService} and the reads of {@code ChurnMonitoringService}, {@code outcomes}
 * for its {@code RecordOutcomes}, any valid credential for reflection and every other service;
 * health is always open, so probes need no secret.
 *
 * <p>A caller's credentials are an {@code authorization: Bearer <token>} header and, with mTLS, the
 * subject of its client certificate; it holds the union of their roles, and a token it sends must be
 * valid. No valid credential is {@code UNAUTHENTICATED} with the same message whatever was sent, so
 * answers never tell which tokens exist; a valid one without the role is {@code PERMISSION_DENIED}
 * naming the role. Refusals are logged as one rate-limited line.
 */
final class AuthInterceptor implements ServerInterceptor {
  static final String UNAUTHENTICATED_MESSAGE = "a valid bearer token is required";
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "bearer ";
  private static final String RECORD_OUTCOMES = ChurnMonitoringServiceGrpc.getRecordOutcomesMethod().getFullMethodName();
  private static final RateLimitedLog refusals =
      new RateLimitedLog(LoggerFactory.getLogger(AuthInterceptor.class), Level.WARN, 10, TimeUnit.SECONDS);

  private final Supplier<AuthTokens> tokens;

  AuthInterceptor(Supplier<AuthTokens> tokens) {
    this.tokens = tokens;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    String service = call.getMethodDescriptor().getServiceName();
    if (HealthGrpc.SERVICE_NAME.equals(service)) {
      return next.startCall(call, headers);
    }
    Optional<Role> required = requiredRole(call.getMethodDescriptor().getFullMethodName());
    Optional<Set<Role>> roles = roles(call, headers, tokens.get());
    if (roles.isEmpty()) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription(UNAUTHENTICATED_MESSAGE), "no valid credential");
    }
    if (required.isPresent() && !roles.get().contains(required.get())) {
      return refuse(call, Status.PERMISSION_DENIED.withDescription(
          "this call needs the '" + required.get().label() + "' role"), "without the " + required.get().label()
          + " role");
    }
    return next.startCall(call, headers);
  }

  /**
   * The role a method needs, by its full name ({@code churnwire.v1.ChurnService/Predict}); empty for
   * methods any authenticated caller may use.
   */
  static Optional<Role> requiredRole(String fullMethodName) {
    if (RECORD_OUTCOMES.equals(fullMethodName)) {
      return Optional.of(Role.OUTCOMES);
    }
    String service = MethodDescriptor.extractFullServiceName(fullMethodName);
    if (ServiceNames.CHURN_SERVICE.equals(service)) {
      return Optional.of(Role.PREDICT);
    }
    if (ServiceNames.MODEL_ADMIN_SERVICE.equals(service)) {
      return Optional.of(Role.ADMIN);
    }
    if (ServiceNames.INSIGHTS_SERVICE.equals(service) || ServiceNames.MONITORING_SERVICE.equals(service)) {
      return Optional.of(Role.INSIGHTS);
    }
    return Optional.empty();
  }

  /** The caller's roles, empty when it has no valid credential or sent a token that is not valid. */
  private static Optional<Set<Role>> roles(ServerCall<?, ?> call, Metadata headers, AuthTokens known) {
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    boolean authenticated = false;
    String authorization = headers.get(AUTHORIZATION);
    if (authorization != null) {
      if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        return Optional.empty();
      }
      Optional<Set<Role>> granted = known.rolesOfToken(authorization.substring(BEARER.length()).strip());
      if (granted.isEmpty()) {
        return Optional.empty();
      }
      roles.addAll(granted.get());
      authenticated = true;
    }
    Optional<Set<Role>> bySubject = clientCertificate(call).flatMap(
        certificate -> known.rolesOfSubject(certificate.getSubjectX500Principal()));
    if (bySubject.isPresent()) {
      roles.addAll(bySubject.get());
      authenticated = true;
    }
    return authenticated ? Optional.of(roles) : Optional.empty();
  }

  private static Optional<X509Certificate> clientCertificate(ServerCall<?, ?> call) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? Optional.of(leaf) : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  private static <ReqT, RespT> ServerCall.Listener<ReqT> refuse(ServerCall<ReqT, RespT> call, Status status,
      String reason) {
    refusals.log("refused a call to {} from {}: {}",
        SafeLog.value(call.getMethodDescriptor().getFullMethodName()),
        call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), reason);
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
