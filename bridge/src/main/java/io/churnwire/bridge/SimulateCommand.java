package io.churnwire.bridge;

import static io.churnwire.bridge.BridgeSettings.BOOTSTRAP_SERVERS;
import static io.churnwire.bridge.BridgeSettings.COUNT;
import static io.churnwire.bridge.BridgeSettings.CSV;
import static io.churnwire.bridge.BridgeSettings.FORMAT;
import static io.churnwire.bridge.BridgeSettings.KAFKA_CONFIG;
import static io.churnwire.bridge.BridgeSettings.POISON_EVERY;
import static io.churnwire.bridge.BridgeSettings.RATE;
import static io.churnwire.bridge.BridgeSettings.REQUEST_TOPIC;
import static io.churnwire.bridge.BridgeSettings.SEED;
import static io.churnwire.bridge.BridgeSettings.SIMULATE;

import io.churnwire.bridge.internal.Encoding;
import io.churnwire.bridge.internal.Pacer;
import io.churnwire.bridge.internal.RecordCodec;
import io.churnwire.config.Values;
import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TelcoCsv;
import io.churnwire.datasets.TelcoRequests;
import io.churnwire.v1.PredictRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import picocli.CommandLine.Unmatched;

/**
 * {@code simulate}: the upstream system of the demo. Streams customers from an IBM-schema CSV, or
 * synthetic ones drawn like the demo model's training data, to the request topic at a chosen rate,
 * keyed by customer id. Its settings are {@link BridgeSettings#SIMULATE}, the Kafka ones shared with
 * {@code run}.
 */
@Command(name = "simulate",
    description = "Produce PredictRequests from a CSV or synthetic customers at a steady rate. "
        + "simulate --help lists its settings.")
final class SimulateCommand implements Callable<Integer> {

  /** Everything after {@code simulate}, parsed by the settings' declarations rather than by picocli. */
  @Unmatched
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    String[] arguments = args.toArray(String[]::new);
    if (SIMULATE.helpRequested(arguments)) {
      System.out.println(SIMULATE.help());
      return 0;
    }
    Values settings;
    KafkaClientProperties kafka;
    try {
      settings = SIMULATE.resolve(arguments, System.getenv());
      kafka = KafkaClientProperties.resolve(SIMULATE, arguments, System.getenv(), settings.get(KAFKA_CONFIG));
    } catch (IllegalArgumentException e) {
      System.err.println(SIMULATE.command() + ": " + e.getMessage());
      return 2;
    }
    Optional<Path> csv = settings.get(CSV);
    String topic = settings.get(REQUEST_TOPIC);
    Encoding encoding = settings.get(FORMAT);
    int poisonEvery = settings.get(POISON_EVERY);
    List<PredictRequest> rows = csv.isEmpty() ? List.of() : TelcoCsv.readRequests(csv.get());
    int total = settings.get(COUNT).orElse(csv.isEmpty() ? 1_000 : rows.size());
    Iterator<double[]> synthetic = SyntheticTelcoData.rows(settings.get(SEED));
    String run = UUID.randomUUID().toString().substring(0, 8);
    var failure = new AtomicReference<Exception>();
    var acked = new AtomicLong();
    Map<String, Object> props = new HashMap<>();
    // Small batches at high rates, no added delay at low ones.
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // Security (SASL, SSL) and tuning from the operator, over the default above.
    props.putAll(kafka.forProducer());
    // Where the cluster is.
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(BOOTSTRAP_SERVERS));
    // A request counts as sent only once the broker has it on every in-sync replica.
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    long started;
    try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.partitionsFor(topic);
      started = System.nanoTime();
      var pacer = new Pacer(settings.get(RATE));
      for (int i = 1; i <= total && failure.get() == null; i++) {
        pacer.awaitNext();
        PredictRequest customer = csv.isEmpty()
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
