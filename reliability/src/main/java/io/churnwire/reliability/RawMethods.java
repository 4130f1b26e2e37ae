package io.churnwire.reliability;

import io.churnwire.testsupport.RawBytes;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.ModelAdminServiceGrpc;
import io.grpc.MethodDescriptor;
import java.util.List;

/**
 * The methods of {@code ChurnService} and {@code ModelAdminService} with byte-array marshallers,
 * so a payload the generated stubs could never build (truncated, invalid UTF-8) reaches the
 * server as it is.
 */
final class RawMethods {
  private RawMethods() {}

  static final MethodDescriptor<byte[], byte[]> PREDICT = RawBytes.of(ChurnServiceGrpc.getPredictMethod());
  static final MethodDescriptor<byte[], byte[]> PREDICT_BATCH = RawBytes.of(ChurnServiceGrpc.getPredictBatchMethod());
  static final MethodDescriptor<byte[], byte[]> BATCH_PREDICT = RawBytes.of(ChurnServiceGrpc.getBatchPredictMethod());
  static final MethodDescriptor<byte[], byte[]> GET_MODEL_METADATA = RawBytes.of(ChurnServiceGrpc.getGetModelMetadataMethod());
  static final MethodDescriptor<byte[], byte[]> RELOAD_MODEL = RawBytes.of(ModelAdminServiceGrpc.getReloadModelMethod());
  static final MethodDescriptor<byte[], byte[]> GET_MODEL_STATUS = RawBytes.of(ModelAdminServiceGrpc.getGetModelStatusMethod());

  /** Every method of both services. */
  static final List<MethodDescriptor<byte[], byte[]>> ALL =
      List.of(PREDICT, PREDICT_BATCH, BATCH_PREDICT, GET_MODEL_METADATA, RELOAD_MODEL, GET_MODEL_STATUS);
}
