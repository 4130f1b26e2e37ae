package io.churnwire.server;

import io.churnwire.runtime.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * What a version directory's files look like from outside (size, modification time, file identity),
 * read without opening them, so a model rejected once is not validated again while nothing it
 * consists of has changed.
 *
 * @param stamps one line per file of the model, in a fixed order
 */
record VersionFiles(List<String> stamps) {

  VersionFiles {
    stamps = List.copyOf(stamps);
  }

  /** The stamps of model.pb and metadata.json in {@code dir}; a missing file is stamped as missing. */
  static VersionFiles of(Path dir) {
    List<String> stamps = new ArrayList<>();
    for (String name : List.of(ModelStore.MODEL_FILE, ModelStore.METADATA_FILE)) {
      Path file = dir.resolve(name);
      try {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        stamps.add(name + " " + attributes.size() + " " + attributes.lastModifiedTime().toMillis() + " "
            + attributes.fileKey());
      } catch (NoSuchFileException e) {
        stamps.add(name + " missing");
      } catch (IOException e) {
        stamps.add(name + " unreadable " + e.getClass().getSimpleName());
      }
    }
    return new VersionFiles(stamps);
  }
}
