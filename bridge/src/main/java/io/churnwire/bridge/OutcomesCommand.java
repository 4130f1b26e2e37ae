package io.churnwire.bridge;

import static io.churnwire.bridge.BridgeSettings.BOOTSTRAP_SERVERS;
import static io.churnwire.bridge.BridgeSettings.KAFKA_CONFIG;
import static io.churnwire.bridge.BridgeSettings.OUTCOMES;
import static io.churnwire.bridge.BridgeSettings.OUTCOMES_CSV;
import static io.churnwire.bridge.BridgeSettings.PUBLISH_OUTCOMES_TOPIC;

import com.google.protobuf.Timestamp;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.churnwire.config.Values;
import io.churnwire.v1.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code outcomes}: what became of the demo's customers. Publishes one {@code Outcome} per row of
 * a CSV ({@code customer_id,churned,observe_time}) to the outcomes topic, keyed by customer id,
 * for {@code run} to record on the server. The whole file is read first, so a bad row stops it
 * before anything is sent, naming the line and column. Its settings are
 * {@link BridgeSettings#OUTCOMES}, the Kafka ones shared with {@code run}.
 */
@Command(name = "outcomes",
    description = "Publish Outcomes from a CSV (customer_id,churned,observe_time) to the outcomes topic. "
        + "outcomes --help lists its settings.")
final class OutcomesCommand implements Callable<Integer> {

  static final String HEADER = "customer_id,churned,observe_time";

  /** Everything after {@code outcomes}, parsed by the settings' declarations rather than by picocli. */
  @Unmatched
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    String[] arguments = args.toArray(String[]::new);
    if (OUTCOMES.helpRequested(arguments)) {
      System.out.println(OUTCOMES.help());
      return 0;
    }
    Values settings;
    KafkaClientProperties kafka;
    List<Outcome> outcomes;
    try {
      settings = OUTCOMES.resolve(arguments, System.getenv());
      kafka = KafkaClientProperties.resolve(OUTCOMES, arguments, System.getenv(), settings.get(KAFKA_CONFIG));
      Path csv = settings.get(OUTCOMES_CSV).orElseThrow(() -> new IllegalArgumentException(
          "--csv is required: a file with the header " + HEADER));
      outcomes = read(csv);
    } catch (IllegalArgumentException e) {
      System.err.println(OUTCOMES.command() + ": " + e.getMessage());
      return 2;
    }
    String topic = settings.get(PUBLISH_OUTCOMES_TOPIC);
    Map<String, Object> props = new HashMap<>();
    // Security (SASL, SSL) and tuning from the operator.
    props.putAll(kafka.forProducer());
    // Where the cluster is.
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(BOOTSTRAP_SERVERS));
    // An outcome counts as sent only once the broker has it on every in-sync replica.
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    var failure = new AtomicReference<Exception>();
    var acked = new AtomicLong();
    try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (Outcome outcome : outcomes) {
        if (failure.get() != null) {
          break;
        }
        producer.send(new ProducerRecord<>(topic, outcome.getCustomerId().getBytes(StandardCharsets.UTF_8),
            outcome.toByteArray()), (metadata, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
              } else {
                acked.incrementAndGet();
              }
            });
      }
      producer.flush();
    }
    System.err.printf("sent %d of %d outcomes to %s%n", acked.get(), outcomes.size(), topic);
    if (failure.get() != null) {
      System.err.println("send failed: " + failure.get());
      return 1;
    }
    return 0;
  }

  /**
   * The outcomes of a CSV with the header {@value #HEADER}; {@code churned} is {@code true} or
   * {@code false}, {@code observe_time} an ISO-8601 instant. Values are the server's to validate
   * further (length, future times); only their form is checked here.
   *
   * @throws IllegalArgumentException naming the file, line and column of the first bad cell
   */
  static List<Outcome> read(Path csv) {
    var outcomes = new ArrayList<Outcome>();
    try (CsvReader<CsvRecord> reader = CsvReader.builder().skipEmptyLines(true).detectBomHeader(true)
        .ofCsvRecord(csv, StandardCharsets.UTF_8)) {
      boolean header = true;
      for (CsvRecord record : reader) {
        String where = csv + ":" + record.getStartingLineNumber() + ": ";
        if (header) {
          if (!String.join(",", record.getFields()).strip().equals(HEADER)) {
            throw new IllegalArgumentException(csv + ":1: the header must be " + HEADER);
          }
          header = false;
          continue;
        }
        if (record.getFieldCount() != 3) {
          throw new IllegalArgumentException(where + "expected 3 cells (" + HEADER + "), found "
              + record.getFieldCount());
        }
        outcomes.add(outcome(where, record.getField(0).strip(), record.getField(1).strip(), record.getField(2).strip()));
      }
      if (header) {
        throw new IllegalArgumentException(csv + ":1: the header must be " + HEADER);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException("cannot read " + csv + " (" + e.getClass().getSimpleName() + ")", e);
    } catch (CsvParseException e) {
      throw new IllegalArgumentException(csv + ": not a CSV file: " + e.getMessage(), e);
    }
    return outcomes;
  }

  private static Outcome outcome(String where, String customerId, String churned, String observeTime) {
    if (customerId.isEmpty()) {
      throw new IllegalArgumentException(where + "customer_id is empty");
    }
    if (!churned.equals("true") && !churned.equals("false")) {
      throw new IllegalArgumentException(where + "churned must be true or false, got '" + churned + "'");
    }
    Instant observed;
    try {
      observed = Instant.parse(observeTime);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(where + "observe_time must be an ISO-8601 instant such as"
          + " 2026-11-30T12:00:00Z, got '" + observeTime + "'", e);
    }
    return Outcome.newBuilder().setCustomerId(customerId).setChurned(Boolean.parseBoolean(churned))
        .setObserveTime(Timestamp.newBuilder().setSeconds(observed.getEpochSecond()).setNanos(observed.getNano()))
        .build();
  }
}
