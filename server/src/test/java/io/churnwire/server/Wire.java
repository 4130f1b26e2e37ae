package io.churnwire.server;

import com.google.protobuf.CodedOutputStream;
import io.churnwire.testsupport.RawBytes;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Hand-made wire bytes, for sending what no well-behaved client would: raw methods and bad fields. */
final class Wire {
  /** Two bytes that are not UTF-8: a lead byte followed by a non-continuation byte. */
  static final byte[] INVALID_UTF8 = {(byte) 0xC3, (byte) 0x28};

  private Wire() {}

  /** The method {@code fullName} of {@code type}, sending and receiving raw bytes. */
  static MethodDescriptor<byte[], byte[]> method(String fullName, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setFullMethodName(fullName)
        .setType(type)
        .setRequestMarshaller(RawBytes.MARSHALLER)
        .setResponseMarshaller(RawBytes.MARSHALLER)
        .build();
  }

  /** {@code message} followed by field {@code number} carrying {@code value} length-delimited. */
  static byte[] withBytesField(byte[] message, int number, byte[] value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(message);
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeByteArray(number, value);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The first {@code length} bytes of {@code message}. */
  static byte[] truncated(byte[] message, int length) {
    return java.util.Arrays.copyOf(message, length);
  }
}
