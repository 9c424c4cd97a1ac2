#!/usr/bin/env bash
# Runs the benchmark suite and regenerates the results section of benchmarks/README.md.
#
#   benchmarks/run.sh quick   1 fork, 4 x 1 s warm-up, 3 x 1 s measurement   (under 5 min on 2 cores)
#   benchmarks/run.sh full    3 forks, 8 x 1 s warm-up, 5 x 1 s measurement (about 25 min on 2 cores)
#   benchmarks/run.sh smoke   1 fork, 1 x 100 ms each: proves every benchmark runs (CI); the
#                             README is left alone, the generated section goes to target/
#
# Every tier: OverheadBenchmark with one thread (full and smoke: SchemaCheckBenchmark too), then
# the rows that matter under contention again with two threads on the same shared instruments
# (-t 2), always with -prof gc; then the JOL footprint; then ResultsReadme writes the table and
# the goals between the markers in benchmarks/README.md. Raw JSON stays in
# benchmarks/target/results/TIER/. The quick tier's section is labelled indicative and flags rows
# whose measurement iterations were still trending.
#
# Time, by the parameters (one fork per benchmark and thread count in quick, three in full):
#   benchmarks: 17 in OverheadBenchmark with one thread (16 methods + the writerWithReader group),
#               10 again with two threads, 4 in SchemaCheckBenchmark (full and smoke only)
#   quick: (17 + 10) forks x (4 + 3) x 1 s = 189 s of iterations, plus about 3 s per fork of JVM
#          start and trial setup (81 s) and about 15 s of footprint: about 285 s, under 5 minutes.
#          SchemaCheckBenchmark would add 4 x (7 + 3) s = 40 s and break that bound, so the quick
#          tier leaves it out (its table appears after full and smoke runs only).
#   full:  (17 + 10 + 4) x 3 forks x (8 + 5) x 1 s = 1209 s, plus 93 x 3 s of forks and the
#          footprint: about 25 minutes.
# Builds benchmarks/target/benchmarks.jar first when it is missing or older than the sources, with
# plain `mvn` (online, as on a newcomer's machine); extra Maven flags come from MVN_FLAGS, e.g.
# `MVN_FLAGS=-o benchmarks/run.sh smoke` on a machine without network.
set -euo pipefail
cd "$(dirname "$0")/.."

tier=${1:-}
case "$tier" in
  quick) jmh_opts=(-f 1 -wi 4 -w 1s -i 3 -r 1s) ;;
  full)  jmh_opts=(-f 3 -wi 8 -w 1s -i 5 -r 1s) ;;
  smoke) jmh_opts=(-f 1 -wi 1 -w 100ms -i 1 -r 100ms) ;;
  *) echo "usage: benchmarks/run.sh quick|full|smoke" >&2; exit 2 ;;
esac

jar=benchmarks/target/benchmarks.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml benchmarks/pom.xml benchmarks/src monitor-core/pom.xml \
    monitor-core/src/main monitor-onnx/pom.xml monitor-onnx/src/main -newer "$jar" -print -quit)" ]; then
  echo "building $jar"
  # shellcheck disable=SC2086 # MVN_FLAGS is a list of flags
  mvn -B -q ${MVN_FLAGS:-} -pl benchmarks -am package -DskipTests
fi

out=benchmarks/target/results/$tier
rm -rf "$out"
mkdir -p "$out"

# one thread: the whole suite (full and smoke also run SchemaCheckBenchmark; see the time above)
suite='io\.modelmonitor\.benchmarks\.OverheadBenchmark\.'
[ "$tier" != quick ] && suite='io\.modelmonitor\.benchmarks\.(OverheadBenchmark|SchemaCheckBenchmark)\.'
# (BinLookupBenchmark, a before/after of the drift bin lookup, is run by hand)
# two threads on one shared monitor / timer / histogram
two='io\.modelmonitor\.benchmarks\.OverheadBenchmark\.(bare|nanoTimePair|micrometerTimer|micrometerTimerHistogram|dropwizardTimer|prometheusHistogram|otelHistogram|oursLatency|oursFull|oursFullRequestId)$'

start=$(date +%s)
java -jar "$jar" "$suite" "${jmh_opts[@]}" -foe true -prof gc \
  -rf json -rff "$out/jmh-1-thread.json" | tee "$out/jmh-1-thread.txt"
java -jar "$jar" "$two" "${jmh_opts[@]}" -t 2 -foe true -prof gc \
  -rf json -rff "$out/jmh-2-threads.json" | tee "$out/jmh-2-threads.txt"
java -Xmx1g -Djdk.attach.allowAttachSelf=true -cp "$jar" io.modelmonitor.benchmarks.Footprint \
  "$out/footprint.json"

readme=benchmarks/README.md
if [ "$tier" = smoke ]; then
  cp "$readme" "$out/README.md"
  readme=$out/README.md
fi
java -cp "$jar" io.modelmonitor.benchmarks.ResultsReadme "$tier" "$readme" \
  "$out/footprint.json" "$out/jmh-1-thread.json" "$out/jmh-2-threads.json"
echo "benchmarks/run.sh $tier: $(( $(date +%s) - start )) s; results in $readme"
