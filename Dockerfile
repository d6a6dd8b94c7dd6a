# One image recipe for every service: docker build --build-arg MODULE=simulator .
# Build stage: the same Maven build as on a developer machine.
FROM maven:3.9-eclipse-temurin-17 AS build
ARG MODULE
WORKDIR /src
COPY . .
RUN test -n "$MODULE" && mvn -B -q -DskipTests -pl "$MODULE" -am package

# Run stage: the module's jar and its runtime libraries (lib/ is on the jar's manifest class path).
FROM eclipse-temurin:17-jre
ARG MODULE
WORKDIR /app
COPY --from=build /src/${MODULE}/target/${MODULE}.jar /app/app.jar
COPY --from=build /src/${MODULE}/target/lib /app/lib
# DJL runs offline: the PyTorch native library comes from its jar in lib/ and is extracted to /app/cache.
ENV JAVA_TOOL_OPTIONS="-Dai.djl.offline=true -DDJL_CACHE_DIR=/app/cache/djl -Djna.tmpdir=/app/cache/jna -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1"
# --add-modules: the streams app's serving kernel runs on the incubating Vector API (plain loops without it)
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "-jar", "/app/app.jar"]
