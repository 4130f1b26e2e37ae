package io.churnwire.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.Status;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the violations of a refused {@code RecordOutcomes} batch are told apart by outcome. */
class OutcomeViolationsTest {

  @Test
  void violationsNamingOutcomes_areGroupedByIndex_withTheFieldRelativeToTheOutcome() {
    var violations = OutcomeViolations.of(refused(
        "outcomes[2].customer_id", "must be 1 to 128 characters",
        "outcomes[0].observe_time", "is in the future",
        "outcomes[2].churned", "is required"), 3);

    assertEquals(Map.of(0, "observe_time: is in the future",
        2, "customer_id: must be 1 to 128 characters; churned: is required"), violations.byOutcome());
    assertEquals("", violations.ofBatch());
  }

  @Test
  void violationsOfTheBatch_orOfAnIndexOutsideIt_concernTheBatch() {
    var violations = OutcomeViolations.of(refused(
        "outcomes", "at most 1000 outcomes",
        "outcomes[7].churned", "is required",
        "outcomes[1]", "is empty"), 5);

    assertEquals(Map.of(1, "outcome: is empty"), violations.byOutcome());
    assertEquals("outcomes: at most 1000 outcomes; outcomes[7].churned: is required", violations.ofBatch());
  }

  @Test
  void statusWithoutBadRequest_namesNothing() {
    var violations = OutcomeViolations.of(Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE)
        .setMessage("bad").build(), 2);

    assertEquals(Map.of(), violations.byOutcome());
    assertEquals("", violations.ofBatch());
  }

  private static Status refused(String... fieldsAndDescriptions) {
    var badRequest = BadRequest.newBuilder();
    for (int i = 0; i < fieldsAndDescriptions.length; i += 2) {
      badRequest.addFieldViolationsBuilder().setField(fieldsAndDescriptions[i])
          .setDescription(fieldsAndDescriptions[i + 1]);
    }
    return Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE).setMessage("invalid outcomes")
        .addDetails(Any.pack(badRequest.build())).build();
  }
}
