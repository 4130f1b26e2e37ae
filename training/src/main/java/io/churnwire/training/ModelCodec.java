package io.churnwire.training;

import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.InvalidModelException;
import io.churnwire.runtime.ModelStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * Turns a trained model's artifact into model.bin and back. A saved model is an untrusted file and
 * Java deserialization of arbitrary classes can run arbitrary code, so reading goes through an
 * {@link ObjectInputFilter} that admits only Smile and JDK classes, primitive arrays and the two
 * Churnwire records that wrap a Smile model, within size limits.
 */
final class ModelCodec {

  /**
   * Deepest object nesting accepted when deserializing. A forest nests about five levels more than
   * its deepest tree (a 100-tree forest of depth 20 reaches 25), and trees are at most
   * {@code TrainingOptions.MAX_TREE_DEPTH} deep.
   */
  static final int MAX_DESERIALIZATION_DEPTH = 2 * TrainingOptions.MAX_TREE_DEPTH;

  /** Most object references accepted when deserializing; the 100-tree Telco forest has 30,000. */
  static final long MAX_REFERENCES = 50_000_000;

  /** Largest array accepted when deserializing. */
  static final int MAX_ARRAY_LENGTH = 50_000_000;

  /** Churnwire classes that may appear in model.bin: records whose constructors validate. */
  private static final Set<String> OWN_CLASSES = Set.of(
      SmileBoosting.Artifact.class.getName(), SmileLogistic.Artifact.class.getName());

  /** The filter described in the class comment. */
  static final ObjectInputFilter FILTER = info -> {
    if (info.depth() > MAX_DESERIALIZATION_DEPTH || info.references() > MAX_REFERENCES
        || info.arrayLength() > MAX_ARRAY_LENGTH) {
      return ObjectInputFilter.Status.REJECTED;
    }
    Class<?> type = info.serialClass();
    if (type == null) {
      return ObjectInputFilter.Status.UNDECIDED;
    }
    while (type.isArray()) {
      type = type.getComponentType();
    }
    if (type.isPrimitive()) {
      return ObjectInputFilter.Status.ALLOWED;
    }
    String name = type.getName();
    return name.startsWith("smile.") || name.startsWith("java.") || OWN_CLASSES.contains(name)
        ? ObjectInputFilter.Status.ALLOWED
        : ObjectInputFilter.Status.REJECTED;
  };

  private ModelCodec() {}

  /** Java serialization of {@code artifact}. */
  static byte[] serialize(Object artifact) {
    var bytes = new ByteArrayOutputStream(1 << 20);
    try (var out = new ObjectOutputStream(bytes)) {
      out.writeObject(artifact);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize the model", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads an object of class {@code type} written by {@link #serialize} through {@link #FILTER}.
   *
   * @throws IOException if the bytes are not such an object or contain a rejected class
   */
  static <T> T deserialize(byte[] bytes, Class<T> type) throws IOException {
    try (var in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(FILTER);
      Object object = in.readObject();
      if (!type.isInstance(object)) {
        throw new IOException("expected a " + type.getName() + ", found "
            + (object == null ? "null" : object.getClass().getName()));
      }
      if (in.read() != -1) {
        throw new IOException("unexpected data after the serialized model");
      }
      return type.cast(object);
    } catch (ClassNotFoundException e) {
      throw new IOException("serialized model needs a class that is not available: " + e.getMessage(), e);
    } catch (ClassCastException | IllegalStateException | IllegalArgumentException | NullPointerException e) {
      throw new IOException("serialized model is inconsistent: " + e.getMessage(), e);
    }
  }

  /**
   * Rebuilds the scorer of a model.bin written for {@code algorithm}.
   *
   * @throws InvalidModelException if the bytes cannot be read or do not fit {@code schema}
   */
  static Scorer restore(Algorithm algorithm, byte[] bytes, FeatureSchema schema) throws InvalidModelException {
    Scorer scorer;
    String problem;
    try {
      switch (algorithm) {
        case RANDOM_FOREST -> {
          var forest = deserialize(bytes, smile.classification.RandomForest.class);
          problem = SmileForest.incompatibility(forest.schema(), forest.numClasses(), forest.classes(), schema);
          scorer = problem == null ? new SmileForest.Scorer(forest) : null;
        }
        case GRADIENT_BOOSTING -> {
          var artifact = deserialize(bytes, SmileBoosting.Artifact.class);
          var model = artifact.model();
          problem = SmileForest.incompatibility(model.schema(), model.numClasses(), model.classes(), schema);
          scorer = problem == null ? new SmileBoosting.Scorer(artifact) : null;
        }
        case LOGISTIC_REGRESSION -> {
          var artifact = deserialize(bytes, SmileLogistic.Artifact.class);
          problem = SmileLogistic.incompatibility(artifact, schema);
          scorer = problem == null ? new SmileLogistic.Scorer(artifact) : null;
        }
        default -> throw new IllegalStateException("unhandled algorithm " + algorithm);
      }
    } catch (IOException e) {
      throw new InvalidModelException(ModelStore.MODEL_FILE + " cannot be read as a "
          + algorithm.className() + ": " + e.getMessage(), e);
    }
    if (problem != null) {
      throw new InvalidModelException(
          ModelStore.MODEL_FILE + " does not fit the schema in metadata.json: " + problem);
    }
    return scorer;
  }
}
