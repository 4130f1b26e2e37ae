package io.churnwire.server;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.CertificateUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS credentials, kept current from their files: grpc-java's advanced TLS key and
 * trust managers hold the certificate chain, the key and the client CA, and every
 * {@code --tls-reload-interval-seconds} the files are read again and, when they changed, swapped in,
 * so certificates rotate without a restart and connections already open keep theirs. (The managers'
 * own file watchers refresh at most once a minute; this one honours any interval.) A changed
 * certificate is only taken with a key that matches it, so a rotation caught half-written, or a
 * broken file, keeps the previous credentials and is logged once. With a client CA, every client
 * must present a certificate that CA signed (mTLS).
 */
final class ServerTls {
  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

  private final Path certificateFile;
  private final Path keyFile;
  private final Optional<Path> clientCaFile;
  private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
  private final Optional<AdvancedTlsX509TrustManager> trust;
  private final ServerCredentials credentials;
  private byte[] identitySeen;
  private byte[] clientCaSeen;
  private String lastFailure = "";

  private ServerTls(ServerConfig config) throws GeneralSecurityException {
    this.certificateFile = config.tlsCertFile().orElseThrow();
    this.keyFile = config.tlsKeyFile().orElseThrow();
    this.clientCaFile = config.tlsClientCaFile();
    TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder().keyManager(keys);
    if (clientCaFile.isPresent()) {
      AdvancedTlsX509TrustManager clients = AdvancedTlsX509TrustManager.newBuilder()
          .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
          .build();
      tls.trustManager(clients).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      this.trust = Optional.of(clients);
    } else {
      this.trust = Optional.empty();
    }
    this.credentials = tls.build();
  }

  /**
   * Reads the TLS files of {@code config}, which must have TLS on, and re-reads them on
   * {@code scheduler} every {@code config.tlsReloadIntervalSeconds()} (never when 0).
   *
   * @throws IOException naming the file that cannot be read or parsed
   */
  static ServerTls of(ServerConfig config, ScheduledExecutorService scheduler) throws IOException {
    ServerTls tls;
    try {
      tls = new ServerTls(config);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e, e);
    }
    tls.updateIdentity();
    tls.updateClientCa();
    long interval = config.tlsReloadIntervalSeconds();
    if (interval > 0) {
      scheduler.scheduleWithFixedDelay(tls::refresh, interval, interval, TimeUnit.SECONDS);
    }
    return tls;
  }

  /** Credentials for both ports. */
  ServerCredentials credentials() {
    return credentials;
  }

  /** Swaps in whatever changed on disk; keeps the previous credentials, logging once, when it does not parse. */
  synchronized void refresh() {
    try {
      if (updateIdentity()) {
        log.info("TLS certificate {} re-read", certificateFile);
      }
    } catch (IOException e) {
      warnOnce(e.getMessage() + "; keeping the previous certificate");
    }
    try {
      if (updateClientCa()) {
        log.info("TLS client CA {} re-read", clientCaFile.orElseThrow());
      }
    } catch (IOException e) {
      warnOnce(e.getMessage() + "; keeping the previous client CA");
    }
  }

  private void warnOnce(String line) {
    if (!line.equals(lastFailure)) {
      lastFailure = line;
      log.warn(line);
    }
  }

  /** Installs the certificate chain and key when their files differ from the last ones seen. */
  private synchronized boolean updateIdentity() throws IOException {
    byte[] certificateBytes = read(certificateFile, "certificate");
    byte[] keyBytes = read(keyFile, "key");
    byte[] both = concat(certificateBytes, keyBytes);
    if (Arrays.equals(both, identitySeen)) {
      return false;
    }
    identitySeen = both;
    try {
      X509Certificate[] chain = CertificateUtils.getX509Certificates(new ByteArrayInputStream(certificateBytes));
      PrivateKey key = CertificateUtils.getPrivateKey(new ByteArrayInputStream(keyBytes));
      if (chain.length == 0) {
        throw new GeneralSecurityException("no certificate in the file");
      }
      requireMatch(chain[0], key);
      keys.updateIdentityCredentials(chain, key);
      return true;
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new IOException("cannot use the TLS certificate " + certificateFile + " with the key " + keyFile + ": "
          + SafeLog.value(String.valueOf(e.getMessage()), SafeLog.MAX_MESSAGE_CHARS), e);
    }
  }

  /** Installs the client CA when its file differs from the last one seen. */
  private synchronized boolean updateClientCa() throws IOException {
    if (trust.isEmpty()) {
      return false;
    }
    Path file = clientCaFile.orElseThrow();
    byte[] bytes = read(file, "client CA");
    if (Arrays.equals(bytes, clientCaSeen)) {
      return false;
    }
    clientCaSeen = bytes;
    try {
      X509Certificate[] authorities = CertificateUtils.getX509Certificates(new ByteArrayInputStream(bytes));
      if (authorities.length == 0) {
        throw new GeneralSecurityException("no certificate in the file");
      }
      trust.get().updateTrustCredentials(authorities);
      return true;
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new IOException("cannot use the TLS client CA file " + file + ": "
          + SafeLog.value(String.valueOf(e.getMessage()), SafeLog.MAX_MESSAGE_CHARS), e);
    }
  }

  /** Signs with {@code key} and verifies with the certificate, so a certificate is never served with another key. */
  private static void requireMatch(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> throw new GeneralSecurityException("unsupported key algorithm " + key.getAlgorithm());
    };
    byte[] probe = "churnwire key check".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(probe);
    if (!verifier.verify(signature)) {
      throw new GeneralSecurityException("the key does not belong to the certificate");
    }
  }

  private static byte[] read(Path file, String what) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IOException("cannot read the TLS " + what + " file " + file + ": " + e, e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length + 1);
    both[a.length] = 0;
    System.arraycopy(b, 0, both, a.length + 1, b.length);
    return both;
  }
}
