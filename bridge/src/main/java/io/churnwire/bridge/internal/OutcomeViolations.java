package io.churnwire.bridge.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The field violations of a {@code RecordOutcomes} batch the server rejected, sorted by the
 * outcome they name. The server rejects a batch whole when any outcome is invalid, with one
 * violation per bad field ({@code outcomes[i].customer_id}); those outcomes are dead-lettered and
 * the others sent again. A violation naming no outcome ({@code outcomes}: the batch is empty or
 * larger than the server's maximum) concerns the batch.
 *
 * @param byOutcome for each index in the batch, its violations as {@code field: description}
 *     joined by {@code "; "}, the field relative to the {@code Outcome} (as a dead letter shows it)
 * @param ofBatch the violations naming no outcome of the batch, in the same form; empty if none
 */
public record OutcomeViolations(Map<Integer, String> byOutcome, String ofBatch) {

  private static final Pattern INDEXED = Pattern.compile("outcomes\\[(\\d{1,9})](?:\\.(.+))?");

  /** Copies the map, keeping the indices in order. */
  public OutcomeViolations {
    byOutcome = Collections.unmodifiableMap(new TreeMap<>(byOutcome));
  }

  /** Sorts the {@code BadRequest} violations of {@code status} for a batch of {@code batchSize} outcomes. */
  public static OutcomeViolations of(Status status, int batchSize) {
    var byOutcome = new LinkedHashMap<Integer, List<String>>();
    var ofBatch = new ArrayList<String>();
    for (var detail : status.getDetailsList()) {
      if (!detail.is(BadRequest.class)) {
        continue;
      }
      try {
        for (var violation : detail.unpack(BadRequest.class).getFieldViolationsList()) {
          Matcher indexed = INDEXED.matcher(violation.getField());
          int index = indexed.matches() ? Integer.parseInt(indexed.group(1)) : -1;
          if (index >= 0 && index < batchSize) {
            String field = indexed.group(2) == null ? "outcome" : indexed.group(2);
            byOutcome.computeIfAbsent(index, unused -> new ArrayList<>())
                .add(field + ": " + violation.getDescription());
          } else {
            ofBatch.add(violation.getField() + ": " + violation.getDescription());
          }
        }
      } catch (InvalidProtocolBufferException e) {
        ofBatch.add("(unreadable BadRequest detail)");
      }
    }
    var joined = new LinkedHashMap<Integer, String>();
    byOutcome.forEach((index, violations) -> joined.put(index, String.join("; ", violations)));
    return new OutcomeViolations(joined, String.join("; ", ofBatch));
  }
}
