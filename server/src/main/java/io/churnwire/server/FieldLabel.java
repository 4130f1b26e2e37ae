package io.churnwire.server;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictRequest;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code field} label of an invalid request: the path a field violation names, without the
 * enclosing {@code request.} and {@code items[i].} parts, so {@code items[3].request.tenure_in_months}
 * and {@code tenure_in_months} count together. Only field names of the scoring request messages
 * are kept; anything else is {@value #OTHER}, so the label's values stay a small fixed set
 * whatever a caller sends.
 */
final class FieldLabel {
  /** The label of a violation that names no known field. */
  static final String OTHER = "other";

  private static final Pattern ENCLOSING = Pattern.compile("^(?:items\\[\\d+\\]\\.|request\\.)+");
  private static final Pattern INDEX = Pattern.compile("\\[\\d+\\]$");
  private static final Set<String> KNOWN = known(
      PredictRequest.getDescriptor(), PredictBatchRequest.getDescriptor(), BatchPredictRequest.getDescriptor());

  private FieldLabel() {}

  /** The label for a violation of the field at {@code path}. */
  static String of(String path) {
    String field = INDEX.matcher(ENCLOSING.matcher(path).replaceFirst("")).replaceFirst("");
    return KNOWN.contains(field) ? field : OTHER;
  }

  private static Set<String> known(Descriptor... messages) {
    Set<String> names = new HashSet<>();
    for (Descriptor message : messages) {
      for (FieldDescriptor field : message.getFields()) {
        names.add(field.getName());
      }
    }
    return Set.copyOf(names);
  }
}
