package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code ModelAdminService} on its own port, bound to this host by default, and only there. */
class AdminPortTest {
  private ServerApplication application;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (application != null) {
      application.close();
    }
  }

  private ManagedChannel channel(String host, int port) {
    ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  @Test
  void adminService_onThePublicPort_isUnimplemented() throws Exception {
    application = ServerApplication.startOnNetty(InProcessChurnwire.config(), TestModels::small);

    Status status = Callers.modelStatus(channel("127.0.0.1", application.port()), Callers.none());

    assertEquals(Status.Code.UNIMPLEMENTED, status.getCode(), status::toString);
  }

  @Test
  void adminService_onTheAdminPort_isAnswered_andChurnServiceIsNot() throws Exception {
    application = ServerApplication.startOnNetty(InProcessChurnwire.config(), TestModels::small);
    ManagedChannel admin = channel("127.0.0.1", application.adminPort());

    assertEquals(Status.Code.OK, Callers.modelStatus(admin, Callers.none()).getCode());
    assertEquals(Status.Code.UNIMPLEMENTED, Callers.predict(admin, Callers.none()).getCode());
    assertEquals(ServingStatus.SERVING, Callers.health(admin));
  }

  @Test
  void defaults_adminPortIsBoundToThisHostOnly() throws Exception {
    ServerConfig defaults = ServerConfig.defaults();
    assertEquals("127.0.0.1", defaults.adminHost());
    assertEquals(50052, defaults.adminPort());

    application = ServerApplication.startOnNetty(InProcessChurnwire.config().withHost("0.0.0.0"), TestModels::small);

    InetSocketAddress bound = (InetSocketAddress) application.adminAddresses().getFirst();
    assertEquals(InetAddress.getByName("127.0.0.1"), bound.getAddress());
    Optional<InetAddress> external = nonLoopbackAddress();
    assumeTrue(external.isPresent(), "this host has a non-loopback IPv4 address to try");
    String host = external.get().getHostAddress();
    assertEquals(Status.Code.OK, Callers.predict(channel(host, application.port()), Callers.none()).getCode(),
        "the public port listens on every interface");
    assertEquals(Status.Code.UNAVAILABLE,
        Callers.modelStatus(channel(host, application.adminPort()), Callers.none()).getCode(),
        "the admin port is not reachable from another address");
  }

  @Test
  void withPortZero_picksAFreeAdminPortToo() {
    ServerConfig config = ServerConfig.defaults().withPort(0);

    assertEquals(0, config.adminPort());
    assertEquals(50052, ServerConfig.defaults().withPort(6000).adminPort());
  }

  @Test
  void close_stopsTheAdminPortToo() throws Exception {
    application = ServerApplication.startOnNetty(InProcessChurnwire.config(), TestModels::small);
    int adminPort = application.adminPort();
    ManagedChannel admin = channel("127.0.0.1", adminPort);
    assertEquals(Status.Code.OK, Callers.modelStatus(admin, Callers.none()).getCode());

    application.close();
    application = null;

    assertNotEquals(Status.Code.OK, Callers.modelStatus(channel("127.0.0.1", adminPort), Callers.none()).getCode());
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
    for (NetworkInterface face : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!face.isUp() || face.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(face.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }
}
