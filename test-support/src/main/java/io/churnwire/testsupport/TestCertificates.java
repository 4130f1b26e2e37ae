package io.churnwire.testsupport;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made at test time, and the server and client certificates it issues, as
 * PEM files (certificates, and unencrypted PKCS#8 keys) that the server, Envoy, Kafka and the
 * clients all read. Keys are EC P-256, so making them costs milliseconds.
 *
 * <p>Server certificates name {@code localhost} and {@code 127.0.0.1}; client certificates carry
 * the subject {@code CN=<name>,O=Churnwire tests}, which is what subject-to-role mappings match.
 */
public final class TestCertificates {
  private static final Duration VALIDITY = Duration.ofDays(2);
  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  private final Path directory;
  private final KeyPair caKeys;
  private final X509CertificateHolder ca;
  private final Path caFile;

  /**
   * A certificate and its key on disk.
   *
   * @param certificate PEM certificate file
   * @param key PEM PKCS#8 private key file
   * @param subject the certificate's subject, RFC 2253
   */
  public record Issued(Path certificate, Path key, String subject) {}

  private TestCertificates(Path directory, String name) {
    this.directory = directory;
    try {
      Files.createDirectories(directory);
      this.caKeys = newKeys();
      X500Name subject = new X500Name("O=Churnwire tests,CN=" + name);
      JcaX509v3CertificateBuilder builder = builder(subject, subject, caKeys);
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
      this.ca = builder.build(signer(caKeys.getPrivate()));
      this.caFile = directory.resolve(name + ".pem");
      writePem(caFile, ca);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make a test certificate authority", e);
    }
  }

  /** A new authority named {@code name}, its certificate written to {@code directory/<name>.pem}. */
  public static TestCertificates authority(Path directory, String name) {
    return new TestCertificates(directory, name);
  }

  /** The authority's certificate: the trust file clients and mTLS servers are given. */
  public Path caFile() {
    return caFile;
  }

  /**
   * A server certificate for {@code localhost} and {@code 127.0.0.1}, written to
   * {@code <name>.crt} and {@code <name>.key}; issuing the same name again replaces the files, as a
   * certificate rotation does.
   */
  public Issued server(String name) {
    return issue(name, KeyPurposeId.id_kp_serverAuth, true);
  }

  /** A client certificate with subject {@code CN=<name>,O=Churnwire tests}, for mTLS. */
  public Issued client(String name) {
    return issue(name, KeyPurposeId.id_kp_clientAuth, false);
  }

  private Issued issue(String name, KeyPurposeId purpose, boolean server) {
    try {
      KeyPair keys = newKeys();
      X500Name subject = new X500Name("O=Churnwire tests,CN=" + name);
      JcaX509v3CertificateBuilder builder = builder(ca.getSubject(), subject, keys);
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          extensions.createAuthorityKeyIdentifier(ca));
      if (server) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      }
      X509CertificateHolder certificate = builder.build(signer(caKeys.getPrivate()));
      Path certificateFile = directory.resolve(name + ".crt");
      Path keyFile = directory.resolve(name + ".key");
      writePem(keyFile, new JcaPKCS8Generator(keys.getPrivate(), null).generate());
      writePem(certificateFile, certificate);
      return new Issued(certificateFile, keyFile, "CN=" + name + ",O=Churnwire tests");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a test certificate for " + name, e);
    }
  }

  private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
  }

  private static KeyPair newKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return generator.generateKeyPair();
  }

  private static org.bouncycastle.operator.ContentSigner signer(PrivateKey key) throws OperatorCreationException {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
  }

  /** Writes {@code object} as PEM to a sibling temporary file, then moves it in place in one step. */
  private static void writePem(Path file, Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(object);
    }
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(temporary, text.toString());
    Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
