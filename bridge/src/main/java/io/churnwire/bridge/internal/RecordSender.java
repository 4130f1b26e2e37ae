package io.churnwire.bridge.internal;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The one producer operation the ledger needs, so its ordering rules can be tested without Kafka. */
@FunctionalInterface
public interface RecordSender {

  /** Hands a record to the producer; the callback runs once the broker acknowledged or refused it. */
  void send(ProducerRecord<byte[], byte[]> record, Callback callback);
}
