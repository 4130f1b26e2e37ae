package io.churnwire.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.churnwire.bridge.BridgeHeaders;
import io.churnwire.v1.Contract;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.churnwire.v1.Prediction;
import io.churnwire.v1.RiskBand;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

  private static final PredictRequest REQUEST = PredictRequest.newBuilder()
      .setRequestId("r-1").setCustomerId("c-1").setTenureInMonths(3)
      .setContract(Contract.CONTRACT_ONE_YEAR).build();

  private static RecordHeaders contentType(String value) {
    var headers = new RecordHeaders();
    headers.add(new RecordHeader(BridgeHeaders.CONTENT_TYPE, value.getBytes(StandardCharsets.UTF_8)));
    return headers;
  }

  @Test
  void decode_noContentType_readsProtobuf() throws Exception {
    var decoded = RecordCodec.decode(REQUEST.toByteArray(), new RecordHeaders());

    assertEquals(REQUEST, decoded.request());
    assertEquals(Encoding.PROTOBUF, decoded.encoding());
  }

  @Test
  void decode_jsonContentTypeWithCharset_readsJson() throws Exception {
    byte[] json = "{\"requestId\":\"r-1\",\"customerId\":\"c-1\",\"tenureInMonths\":3,\"contract\":\"CONTRACT_ONE_YEAR\"}"
        .getBytes(StandardCharsets.UTF_8);

    var decoded = RecordCodec.decode(json, contentType("Application/JSON; charset=utf-8"));

    assertEquals(REQUEST, decoded.request());
    assertEquals(Encoding.JSON, decoded.encoding());
  }

  @Test
  void decode_jsonWithUnknownField_isUndecodable() {
    byte[] json = "{\"customerId\":\"c-1\",\"tenure\":3}".getBytes(StandardCharsets.UTF_8);

    var error = assertThrows(RecordCodec.DecodeException.class,
        () -> RecordCodec.decode(json, contentType(BridgeHeaders.JSON)));

    assertEquals(BridgeHeaders.CODE_UNDECODABLE, error.code());
  }

  @Test
  void decode_garbageBytes_isUndecodable() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, 0x01, 0x02};

    var error = assertThrows(RecordCodec.DecodeException.class, () -> RecordCodec.decode(garbage, new RecordHeaders()));

    assertEquals(BridgeHeaders.CODE_UNDECODABLE, error.code());
  }

  @Test
  void decode_unknownContentType_isUnsupported() {
    var error = assertThrows(RecordCodec.DecodeException.class,
        () -> RecordCodec.decode(REQUEST.toByteArray(), contentType("text/csv")));

    assertEquals(BridgeHeaders.CODE_UNSUPPORTED_CONTENT_TYPE, error.code());
  }

  @Test
  void decode_tombstone_isUndecodable() {
    var error = assertThrows(RecordCodec.DecodeException.class, () -> RecordCodec.decode(null, new RecordHeaders()));

    assertEquals(BridgeHeaders.CODE_UNDECODABLE, error.code());
  }

  @Test
  void encodeResponse_json_roundTripsThroughDecodeResponse() throws Exception {
    var response = PredictResponse.newBuilder().setRequestId("r-1").setCustomerId("c-1")
        .setPrediction(Prediction.newBuilder().setChurnProbability(0.75).setWillChurn(true)
            .setRiskBand(RiskBand.RISK_BAND_HIGH).setModelVersion("v1").setDecisionThreshold(0.5))
        .build();

    byte[] json = RecordCodec.encode(response, Encoding.JSON);

    assertEquals(response, RecordCodec.decodeResponse(json, contentType(BridgeHeaders.JSON)));
    assertEquals('{', (char) json[0]);
  }
}
