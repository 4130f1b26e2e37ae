package io.churnwire.trainer.score;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/** A customer file read as a stream of record batches, by one thread. */
interface CustomerSource extends Closeable {

  /** The column names, as the file has them. */
  List<String> header();

  /**
   * The next batch of at most {@code max} records, or null at the end of the file.
   *
   * @throws IOException when the file cannot be read further
   */
  RecordBatch next(int max) throws IOException;

  /** How much of the file has been read, from 0 to 1. */
  double progress();
}
