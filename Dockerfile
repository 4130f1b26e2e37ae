# One build stage for every deployable; docker-compose.yml picks a target per service:
#   server   the gRPC scoring server (runtime only, no training library)
#   trainer  the churnwire-model command line (trains, compiles, promotes into the registry)
#   bridge   the Kafka bridge (run | simulate | read)
#   envoy    Envoy with the REST transcoder, configured for the compose network
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -pl server,trainer,bridge -am package -DskipTests \
 && sed -e 's|${REST_ADDRESS}|0.0.0.0|g' -e 's|${REST_PORT}|8080|g' -e 's|${ADMIN_PORT}|9901|g' \
        -e 's|${UPSTREAM_HOST}|server|g' -e 's|${UPSTREAM_PORT}|50051|g' \
        -e 's|${DESCRIPTOR}|/etc/envoy/churnwire.pb|g' envoy/envoy.yaml > envoy/envoy.compose.yaml

FROM eclipse-temurin:25-jre AS server
WORKDIR /app
COPY --from=build /src/server/target/churnwire-server.jar /app/churnwire-server.jar
ENV CHURNWIRE_MODEL_DIR=/models
VOLUME /models
EXPOSE 50051
ENTRYPOINT ["java", "-Xmx1g", "-jar", "/app/churnwire-server.jar"]

FROM eclipse-temurin:25-jre AS trainer
WORKDIR /app
COPY --from=build /src/trainer/target/churnwire-trainer.jar /app/churnwire-trainer.jar
ENV CHURNWIRE_MODEL_DIR=/models
VOLUME /models
ENTRYPOINT ["java", "-Xmx2g", "-Djava.awt.headless=true", "-jar", "/app/churnwire-trainer.jar"]

FROM eclipse-temurin:25-jre AS bridge
WORKDIR /app
COPY --from=build /src/bridge/target/lib /app/lib
COPY --from=build /src/bridge/target/churnwire-kafka-bridge-*.jar /app/
RUN ln -s /app/churnwire-kafka-bridge-*.jar /app/churnwire-kafka-bridge.jar
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-jar", "/app/churnwire-kafka-bridge.jar"]
CMD ["run"]

FROM envoyproxy/envoy:v1.40-latest AS envoy
COPY --from=build /src/contracts/target/descriptors/churnwire.pb /etc/envoy/churnwire.pb
COPY --from=build /src/envoy/envoy.compose.yaml /etc/envoy/envoy.yaml
EXPOSE 8080
CMD ["envoy", "-c", "/etc/envoy/envoy.yaml"]
