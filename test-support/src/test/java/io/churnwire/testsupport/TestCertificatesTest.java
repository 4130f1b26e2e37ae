package io.churnwire.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.SignatureException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCertificatesTest {
  @TempDir Path directory;

  @Test
  void serverCertificate_isSignedByItsAuthority_namesLocalhost_andHasAPkcs8Key() throws Exception {
    TestCertificates pki = TestCertificates.authority(directory, "test-ca");
    TestCertificates.Issued server = pki.server("server");

    X509Certificate certificate = read(server.certificate());
    certificate.verify(read(pki.caFile()).getPublicKey());
    assertTrue(certificate.getSubjectAlternativeNames().stream().map(name -> name.get(1))
        .toList().containsAll(List.of("localhost", "127.0.0.1")));
    String pem = Files.readString(server.key());
    assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----"), pem);
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    assertEquals("EC", KeyFactory.getInstance("EC")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body))).getAlgorithm());
  }

  @Test
  void clientCertificate_carriesItsSubject_andIsNotTrustedByAnotherAuthority() throws Exception {
    TestCertificates pki = TestCertificates.authority(directory, "test-ca");
    TestCertificates other = TestCertificates.authority(directory, "other-ca");
    TestCertificates.Issued client = pki.client("bridge");

    X509Certificate certificate = read(client.certificate());
    assertEquals("CN=bridge,O=Churnwire tests", certificate.getSubjectX500Principal().getName());
    assertEquals(client.subject(), certificate.getSubjectX500Principal().getName());
    assertThrows(SignatureException.class, () -> certificate.verify(read(other.caFile()).getPublicKey()));
  }

  private static X509Certificate read(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
