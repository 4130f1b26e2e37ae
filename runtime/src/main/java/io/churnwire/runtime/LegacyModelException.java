package io.churnwire.runtime;

/**
 * A registry version written in the Java-serialized Smile layout (model.bin), which the runtime
 * never deserializes; {@code churnwire-model compile} turns such versions into compiled ones.
 */
public final class LegacyModelException extends InvalidModelException {

  /** The command that compiles the versions of the registry at {@code root}. */
  public static String compileCommand(java.nio.file.Path root) {
    return "scripts/churnwire-model.sh compile --registry " + root;
  }

  /** A legacy version, described for an operator. */
  public LegacyModelException(String message) {
    super(message);
  }
}
