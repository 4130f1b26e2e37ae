# One build stage for every deployable; docker-compose.yml picks a target per service:
#   server   the gRPC scoring server (runtime only, no training library)
#   trainer  the churnwire-model command line (trains, compiles, promotes into the registry)
#   bridge   the Kafka bridge (run | simulate | read)
#   envoy    Envoy with the REST transcoder, configured for the compose network
# Every image runs as the unprivileged user churnwire (UID and GID 10001), owns none of its
# program files, and works on a read-only root file system: the only writable places are the
# model registry volume (/models, trainer only) and a tmpfs on /tmp (see docker-compose.yml).
FROM eclipse-temurin:25-jdk AS build
# npm fetches the JavaScript libraries the console module packs (console/package-lock.json).
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Envoy's configuration is envoy/envoy.yaml rendered for the compose network, plaintext inside it
# (the optional TLS blocks deleted), with the server's gRPC port and its HTTP port (the console and
# the API docs) as upstreams; TLS needs certificates, so it is a deployment's own choice
# (scripts/envoy.sh --tls-cert-file ... renders it; envoy/README.md). The Helm chart renders its own
# configuration from the same template and mounts it beside the descriptor set baked in here.
RUN ./mvnw -B -q -pl server,trainer,bridge -am package -DskipTests \
 && sed -e '/# BEGIN REST_TLS$/,/# END REST_TLS$/d' -e '/# BEGIN UPSTREAM_TLS$/,/# END UPSTREAM_TLS$/d' \
        -e 's|${REST_ADDRESS}|0.0.0.0|g' -e 's|${REST_PORT}|8080|g' -e 's|${ADMIN_PORT}|9901|g' \
        -e 's|${UPSTREAM_HOST}|server|g' -e 's|${UPSTREAM_PORT}|50051|g' \
        -e 's|${HTTP_UPSTREAM_HOST}|server|g' -e 's|${HTTP_UPSTREAM_PORT}|9464|g' \
        -e 's|${DESCRIPTOR}|/etc/envoy/churnwire.pb|g' envoy/envoy.yaml > envoy/envoy.compose.yaml \
 && if grep -n '\${' envoy/envoy.compose.yaml; then echo "envoy.yaml placeholder left unrendered" >&2; exit 1; fi

# The JVM images share the unprivileged user. /models belongs to it so that a new named volume
# mounted there (Docker copies the image's ownership into it) is writable by the trainer.
FROM eclipse-temurin:25-jre AS java-base
RUN groupadd --gid 10001 churnwire \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin churnwire \
 && install -d -o 10001 -g 10001 -m 0750 /models /history
WORKDIR /app

FROM java-base AS server
COPY --from=build /src/server/target/churnwire-server.jar /app/churnwire-server.jar
ENV CHURNWIRE_MODEL_DIR=/models \
    CHURNWIRE_HISTORY_URL=jdbc:duckdb:/history/predictions.duckdb
VOLUME /models /history
EXPOSE 50051
USER 10001:10001
ENTRYPOINT ["java", "-Xmx1g", "-jar", "/app/churnwire-server.jar"]

FROM java-base AS trainer
COPY --from=build /src/trainer/target/churnwire-trainer.jar /app/churnwire-trainer.jar
ENV CHURNWIRE_MODEL_DIR=/models
VOLUME /models
USER 10001:10001
ENTRYPOINT ["java", "-Xmx2g", "-Djava.awt.headless=true", "-jar", "/app/churnwire-trainer.jar"]

FROM java-base AS bridge
COPY --from=build /src/bridge/target/lib /app/lib
COPY --from=build /src/bridge/target/churnwire-kafka-bridge-*.jar /app/
RUN ln -s /app/churnwire-kafka-bridge-*.jar /app/churnwire-kafka-bridge.jar
USER 10001:10001
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-jar", "/app/churnwire-kafka-bridge.jar"]
CMD ["run"]

# The image's entry point drops to its own envoy user only when started as root; started as
# 10001 it runs Envoy directly. No hot restart: it would need shared memory and a second process.
FROM envoyproxy/envoy:v1.40-latest AS envoy
COPY --from=build /src/contracts/target/descriptors/churnwire.pb /etc/envoy/churnwire.pb
COPY --from=build /src/envoy/envoy.compose.yaml /etc/envoy/envoy.yaml
EXPOSE 8080
USER 10001:10001
CMD ["envoy", "-c", "/etc/envoy/envoy.yaml", "--disable-hot-restart"]
