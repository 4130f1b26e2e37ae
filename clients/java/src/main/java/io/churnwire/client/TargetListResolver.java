package io.churnwire.client;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Resolves a fixed list of {@code host:port} replicas, one address group each, so that a channel's
 * load-balancing policy ({@code round_robin}) spreads calls over all of them. grpc-java resolves one
 * name per channel; this is the smallest name resolver (as in grpc-java's {@code loadbalance}
 * example) that gives one channel several servers without a DNS name listing them.
 *
 * <p>The channel target is {@code churnwire-targets:///host1:port1,host2:port2}; the authority, which
 * TLS checks the server certificate against, is the first replica's.
 */
final class TargetListResolver extends NameResolverProvider {

  static final String SCHEME = "churnwire-targets";

  private static final TargetListResolver INSTANCE = new TargetListResolver();

  static {
    NameResolverRegistry.getDefaultRegistry().register(INSTANCE);
  }

  private TargetListResolver() {}

  /**
   * The channel target for {@code targets}, the resolver registered.
   *
   * @throws IllegalArgumentException naming a target that is not {@code host:port}
   */
  static String channelTarget(List<String> targets) {
    targets.forEach(TargetListResolver::parse);
    return SCHEME + ":///" + String.join(",", targets);
  }

  @Override
  public NameResolver newNameResolver(URI uri, NameResolver.Args args) {
    if (!SCHEME.equals(uri.getScheme())) {
      return null;
    }
    List<String> targets = List.of(uri.getPath().substring(1).split(","));
    return new NameResolver() {
      private Listener2 listener;

      @Override
      public String getServiceAuthority() {
        return targets.getFirst();
      }

      @Override
      public void start(Listener2 listener) {
        this.listener = listener;
        resolve();
      }

      @Override
      public void refresh() {
        resolve();
      }

      private void resolve() {
        List<EquivalentAddressGroup> groups = new ArrayList<>();
        for (String target : targets) {
          InetSocketAddress address = parse(target);
          InetSocketAddress resolved = new InetSocketAddress(address.getHostString(), address.getPort());
          if (resolved.isUnresolved()) {
            listener.onError(Status.UNAVAILABLE.withDescription("cannot resolve host of " + target));
            return;
          }
          groups.add(new EquivalentAddressGroup(resolved));
        }
        listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).build());
      }

      @Override
      public void shutdown() {}
    };
  }

  private static InetSocketAddress parse(String target) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1 || target.contains(",") || target.contains("/")) {
      throw new IllegalArgumentException("target '" + target + "' is not host:port");
    }
    String host = target.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return InetSocketAddress.createUnresolved(host, Integer.parseInt(target.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("target '" + target + "' is not host:port");
    }
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 0; // below DNS, so that a plain host:port target still means DNS
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return List.of(InetSocketAddress.class);
  }
}
