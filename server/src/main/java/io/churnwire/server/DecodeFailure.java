package io.churnwire.server;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A request message that could not be decoded, with the field that broke it when the wire format
 * still shows it: a string that is not valid UTF-8 (proto3 strings must be), or the field where
 * the bytes end or stop making sense. The strings of the top level that did decode are kept, so a
 * stream can still name the item it answers.
 *
 * @param messageType     full name of the message expected, e.g. {@code churnwire.v1.PredictRequest}
 * @param field           path of the offending field, e.g. {@code request.customer_id}; empty when
 *                        the bytes break before any field
 * @param problem         what is wrong with it, for the caller
 * @param decodedStrings  top-level string fields that decoded, by field name
 */
public record DecodeFailure(String messageType, String field, String problem, Map<String, String> decodedStrings) {
  private static final int MAX_DEPTH = 64;

  public DecodeFailure {
    decodedStrings = Map.copyOf(decodedStrings);
  }

  /** Why {@code bytes} do not decode as {@code type}, found by walking their wire format. */
  static DecodeFailure diagnose(Descriptor type, byte[] bytes, Throwable parseError) {
    Walk walk = new Walk();
    try {
      walk.message(type, CodedInputStream.newInstance(bytes), "", 0);
    } catch (IOException | RuntimeException e) {
      walk.structural(e);
    }
    if (walk.problem == null) {
      return new DecodeFailure(type.getFullName(), "", "cannot be decoded: " + describe(parseError), walk.strings);
    }
    return new DecodeFailure(type.getFullName(), walk.field, walk.problem, walk.strings);
  }

  /** A message of a type the server cannot walk (not a protobuf message with a descriptor). */
  static DecodeFailure opaque(String messageType, Throwable parseError) {
    return new DecodeFailure(messageType, "", "cannot be decoded: " + describe(parseError), Map.of());
  }

  /** A top-level string field that decoded, or empty. */
  public String decodedString(String fieldName) {
    return decodedStrings.getOrDefault(fieldName, "");
  }

  /** One line for the caller. */
  public String message() {
    return "request is not a valid " + messageType + ": " + (field.isEmpty() ? "" : field + " ") + problem;
  }

  /**
   * {@code INVALID_ARGUMENT} with an {@link ErrorInfo} (reason {@code MALFORMED_REQUEST}) and, when
   * the field is known, a {@link BadRequest} naming it below {@code fieldPrefix}.
   */
  public Status toStatus(String fieldPrefix) {
    Status.Builder status = Status.newBuilder()
        .setCode(Code.INVALID_ARGUMENT_VALUE)
        .setMessage(message())
        .addDetails(Any.pack(ErrorInfo.newBuilder()
            .setReason("MALFORMED_REQUEST")
            .setDomain(Statuses.DOMAIN)
            .putMetadata("message_type", messageType)
            .build()));
    if (!field.isEmpty()) {
      status.addDetails(Any.pack(BadRequest.newBuilder()
          .addFieldViolations(BadRequest.FieldViolation.newBuilder()
              .setField(fieldPrefix + field)
              .setDescription(problem))
          .build()));
    }
    return status.build();
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }

  /** Reads the wire format field by field, recording the first field that is not acceptable. */
  private static final class Walk {
    final Map<String, String> strings = new HashMap<>();
    String field = "";
    String problem;
    private String reading = "";

    void message(Descriptor type, CodedInputStream in, String prefix, int depth) throws IOException {
      Map<Integer, Integer> seen = new HashMap<>();
      while (true) {
        reading = prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
        int tag = in.readTag();
        if (tag == 0) {
          return;
        }
        FieldDescriptor descriptor = type.findFieldByNumber(WireFormat.getTagFieldNumber(tag));
        if (descriptor == null || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED
            || !(descriptor.getType() == FieldDescriptor.Type.STRING
                || descriptor.getType() == FieldDescriptor.Type.MESSAGE)) {
          in.skipField(tag);
          continue;
        }
        String path = prefix + descriptor.getName();
        if (descriptor.isRepeated()) {
          int index = seen.merge(descriptor.getNumber(), 1, Integer::sum) - 1;
          path = path + "[" + index + "]";
        }
        reading = path;
        if (descriptor.getType() == FieldDescriptor.Type.STRING) {
          ByteString value = in.readBytes();
          if (!value.isValidUtf8()) {
            record(path, "is not valid UTF-8");
          } else if (depth == 0 && !descriptor.isRepeated()) {
            strings.put(descriptor.getName(), value.toStringUtf8());
          }
          continue;
        }
        if (depth >= MAX_DEPTH) {
          throw new IOException("messages are nested too deeply");
        }
        int limit = in.pushLimit(in.readRawVarint32());
        message(descriptor.getMessageType(), in, path + ".", depth + 1);
        in.checkLastTagWas(0);
        in.popLimit(limit);
      }
    }

    void structural(Exception e) {
      record(reading, "cannot be decoded: " + describe(e));
    }

    private void record(String path, String what) {
      if (problem == null) {
        field = path;
        problem = what;
      }
    }
  }
}
