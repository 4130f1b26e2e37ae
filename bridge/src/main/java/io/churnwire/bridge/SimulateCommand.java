package io.churnwire.bridge;

import io.churnwire.bridge.internal.Encoding;
import io.churnwire.bridge.internal.Pacer;
import io.churnwire.bridge.internal.RecordCodec;
import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TelcoCsv;
import io.churnwire.datasets.TelcoRequests;
import io.churnwire.v1.PredictRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code simulate}: the upstream system of the demo. Streams customers from an IBM-schema CSV, or
 * synthetic ones drawn like the demo model's training data, to the request topic at a chosen rate,
 * keyed by customer id.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Produce PredictRequests from a CSV or synthetic customers at a steady rate.")
final class SimulateCommand implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(names = "--topic", defaultValue = "churn.requests", description = "Request topic.")
  String topic;

  @Option(names = "--csv", description = "CSV in IBM's extended Telco schema; synthetic customers when absent.")
  Path csv;

  @Option(names = "--count", description = "Records to send; default: every CSV row once, or 1000 synthetic.")
  Integer count;

  @Option(names = "--rate", defaultValue = "100", description = "Records per second; 0 sends as fast as possible.")
  double rate;

  @Option(names = "--format", defaultValue = "PROTOBUF", description = "Value encoding: ${COMPLETION-CANDIDATES}.")
  Encoding encoding;

  @Option(names = "--poison-every", defaultValue = "0",
      description = "Send an undecodable record instead of every N-th request, to show the DLQ; 0 never.")
  int poisonEvery;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the synthetic customers.")
  long seed;

  @Override
  public Integer call() throws Exception {
    List<PredictRequest> rows = csv == null ? List.of() : TelcoCsv.readRequests(csv);
    int total = count != null ? count : csv == null ? 1_000 : rows.size();
    Iterator<double[]> synthetic = SyntheticTelcoData.rows(seed);
    String run = UUID.randomUUID().toString().substring(0, 8);
    var failure = new AtomicReference<Exception>();
    var acked = new AtomicLong();
    Map<String, Object> props = new HashMap<>();
    // Where the cluster is.
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    // A request counts as sent only once the broker has it on every in-sync replica.
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // Small batches at high rates, no added delay at low ones.
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    long started;
    try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.partitionsFor(topic);
      started = System.nanoTime();
      var pacer = new Pacer(rate);
      for (int i = 1; i <= total && failure.get() == null; i++) {
        pacer.awaitNext();
        PredictRequest customer = csv == null
            ? TelcoRequests.of("SYN-%06d".formatted(i), synthetic.next())
            : rows.get((i - 1) % rows.size());
        String requestId = "sim-" + run + "-" + i;
        var request = customer.toBuilder().setRequestId(requestId).build();
        byte[] value = poisonEvery > 0 && i % poisonEvery == 0
            ? "not a PredictRequest".getBytes(StandardCharsets.UTF_8)
            : RecordCodec.encode(request, encoding);
        var record = new ProducerRecord<>(topic, null, request.getCustomerId().getBytes(StandardCharsets.UTF_8), value,
            List.of(new RecordHeader(BridgeHeaders.CONTENT_TYPE, encoding.contentType().getBytes(StandardCharsets.UTF_8)),
                new RecordHeader(BridgeHeaders.CORRELATION_ID, requestId.getBytes(StandardCharsets.UTF_8))));
        producer.send(record, (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          } else {
            acked.incrementAndGet();
          }
        });
        if (i % 1_000 == 0) {
          System.err.printf("sent %d/%d%n", i, total);
        }
      }
      producer.flush();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.err.printf("sent %d requests (%s, run %s) to %s in %.1f s: %.0f records/s%n",
        acked.get(), encoding.contentType(), run, topic, seconds, acked.get() / seconds);
    if (failure.get() != null) {
      System.err.println("send failed: " + failure.get());
      return 1;
    }
    return 0;
  }
}
