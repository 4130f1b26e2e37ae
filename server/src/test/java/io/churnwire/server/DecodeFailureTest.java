package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wire format walked to say which field broke a message. */
class DecodeFailureTest {

  @Test
  void diagnose_invalidUtf8DeepInARepeatedField_namesItsFullPath() {
    byte[] badRequest = Wire.withBytesField(new byte[0], PredictRequest.CUSTOMER_ID_FIELD_NUMBER, Wire.INVALID_UTF8);
    byte[] badItem = Wire.withBytesField(PredictBatchRequest.newBuilder().setItemId("third").build().toByteArray(),
        PredictBatchRequest.REQUEST_FIELD_NUMBER, badRequest);
    BatchPredictRequest good = BatchPredictRequest.newBuilder()
        .addItems(PredictBatchRequest.newBuilder().setItemId("a").setRequest(Customers.risky()))
        .addItems(PredictBatchRequest.newBuilder().setItemId("b").setRequest(Customers.loyal()))
        .build();
    byte[] bytes = Wire.withBytesField(good.toByteArray(), BatchPredictRequest.ITEMS_FIELD_NUMBER, badItem);
    InvalidProtocolBufferException parseError =
        assertThrows(InvalidProtocolBufferException.class, () -> BatchPredictRequest.parseFrom(bytes));

    DecodeFailure failure = DecodeFailure.diagnose(BatchPredictRequest.getDescriptor(), bytes, parseError);

    assertEquals("items[2].request.customer_id", failure.field());
    assertEquals("is not valid UTF-8", failure.problem());
    assertEquals(Map.of("items[2].request.customer_id", "is not valid UTF-8"),
        Errors.violations(failure.toStatus("")));
  }

  @Test
  void diagnose_itemIdAfterTheBrokenField_isStillSalvaged() {
    byte[] badRequest = Wire.withBytesField(new byte[0], PredictRequest.REQUEST_ID_FIELD_NUMBER, Wire.INVALID_UTF8);
    byte[] bytes = Wire.withBytesField(
        Wire.withBytesField(new byte[0], PredictBatchRequest.REQUEST_FIELD_NUMBER, badRequest),
        PredictBatchRequest.ITEM_ID_FIELD_NUMBER, "late-id".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    DecodeFailure failure = DecodeFailure.diagnose(PredictBatchRequest.getDescriptor(), bytes,
        new InvalidProtocolBufferException("invalid UTF-8"));

    assertEquals("request.request_id", failure.field());
    assertEquals("late-id", failure.decodedString("item_id"));
  }

  @Test
  void diagnose_nestedMessageThatClaimsMoreBytesThanSent_namesTheNestedField() {
    byte[] whole = PredictBatchRequest.newBuilder().setItemId("cut").setRequest(Customers.risky()).build()
        .toByteArray();
    byte[] cut = Wire.truncated(whole, whole.length - 3);

    DecodeFailure failure = DecodeFailure.diagnose(PredictBatchRequest.getDescriptor(), cut,
        new InvalidProtocolBufferException("truncated"));

    assertTrue(failure.field().startsWith("request"), failure.field());
    assertTrue(failure.problem().startsWith("cannot be decoded: "), failure.problem());
    assertEquals("cut", failure.decodedString("item_id"));
  }

  @Test
  void diagnose_bytesThatBreakBeforeAnyField_leaveTheFieldEmptyAndStillAnswerInvalidArgument() {
    byte[] bytes = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};

    DecodeFailure failure = DecodeFailure.diagnose(PredictRequest.getDescriptor(), bytes,
        new InvalidProtocolBufferException("malformed varint"));

    assertEquals("", failure.field());
    assertEquals(com.google.rpc.Code.INVALID_ARGUMENT_VALUE, failure.toStatus("").getCode());
    assertTrue(failure.message().startsWith("request is not a valid churnwire.v1.PredictRequest: cannot be decoded"),
        failure.message());
  }
}
