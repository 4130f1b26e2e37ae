package io.churnwire.trainer.score;

import java.nio.file.Path;

/** The name a result file has while it is being written: beside it, with {@code .partial} added. */
final class Partial {
  private Partial() {}

  static Path of(Path target) {
    Path absolute = target.toAbsolutePath();
    return absolute.resolveSibling(absolute.getFileName() + ".partial");
  }
}
