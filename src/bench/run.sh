#!/usr/bin/env bash
# Every benchmark of docs/BENCHMARKS.md, one after the other, from the repository root:
#   src/bench/run.sh                 # all of them (about 35 minutes, 11 GiB free for the scaling curve)
#   src/bench/run.sh startup locks   # only those named: startup locks spawns dumps report scaling
# Builds first; each harness prints its own table, and everything is also kept in target/bench-results/.
set -euo pipefail
cd "$(dirname "$0")/../.."
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
AGENT=agent/target/spawnlock-agent.jar
BENCH_CP='src/bench/target/classes:src/bench/target/lib/*'
OUT=target/bench-results
selected=("$@")
[ ${#selected[@]} -eq 0 ] && selected=(startup locks spawns dumps report scaling)

mvn -B -q -DskipTests install < /dev/null
mkdir -p "$OUT"
for name in "${selected[@]}"; do
  echo "== $name ($(date -u +%H:%M:%S) UTC, load: $(cut -d' ' -f1-3 /proc/loadavg))"
  case "$name" in
    startup) java src/bench/TimeToMain.java 15 "$JDK17" "$JDK25" ;;
    locks)   java -cp "$BENCH_CP" io.spawnlock.bench.LockCost "$AGENT" 3 "$JDK17" "$JDK25" ;;
    spawns)  java src/bench/SpawnThroughput.java 15 3 "$JDK17" "$JDK25" ;;
    dumps)   java src/bench/DumpCost.java "$JDK17/bin/java" "$AGENT" 10
             java src/bench/DumpCost.java "$JDK25/bin/java" "$AGENT" 10 ;;
    report)  java -cp "$BENCH_CP" io.spawnlock.bench.ReportSpeed "$AGENT" \
               src/bench/target/lib/HdrHistogram-*.jar "${TMPDIR:-/tmp}/spawnlock-reportspeed" 3 ;;
    scaling) java src/bench/ScalingCurve.java 20 docs/scaling.svg "$JDK17" "$JDK25" ;;
    *) echo "unknown benchmark '$name' (startup locks spawns dumps report scaling)" >&2; exit 2 ;;
  esac 2>&1 | tee "$OUT/$name.txt"
done
