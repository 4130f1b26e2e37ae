package io.churnwire.reliability;

import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.ModelAdminServiceGrpc;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The methods of {@code ChurnService} and {@code ModelAdminService} with byte-array marshallers,
 * so a payload the generated stubs could never build (truncated, invalid UTF-8) reaches the
 * server as it is.
 */
final class RawMethods {
  private RawMethods() {}

  /** Passes bytes through untouched, both ways. */
  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  static final MethodDescriptor<byte[], byte[]> PREDICT = raw(ChurnServiceGrpc.getPredictMethod());
  static final MethodDescriptor<byte[], byte[]> PREDICT_BATCH = raw(ChurnServiceGrpc.getPredictBatchMethod());
  static final MethodDescriptor<byte[], byte[]> BATCH_PREDICT = raw(ChurnServiceGrpc.getBatchPredictMethod());
  static final MethodDescriptor<byte[], byte[]> GET_MODEL_METADATA = raw(ChurnServiceGrpc.getGetModelMetadataMethod());
  static final MethodDescriptor<byte[], byte[]> RELOAD_MODEL = raw(ModelAdminServiceGrpc.getReloadModelMethod());
  static final MethodDescriptor<byte[], byte[]> GET_MODEL_STATUS = raw(ModelAdminServiceGrpc.getGetModelStatusMethod());

  /** Every method of both services. */
  static final List<MethodDescriptor<byte[], byte[]>> ALL =
      List.of(PREDICT, PREDICT_BATCH, BATCH_PREDICT, GET_MODEL_METADATA, RELOAD_MODEL, GET_MODEL_STATUS);

  private static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> method) {
    return method.toBuilder(BYTES, BYTES).build();
  }
}
