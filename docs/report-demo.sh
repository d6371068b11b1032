#!/usr/bin/env bash
# Makes docs/report-demo.png anew from the current build: the README's demo, its HTML report, and a
# screenshot of the page's top in headless Chromium (apt-get install chromium). From the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package
rm -f target/demo.hlog
java -javaagent:agent/target/spawnlock-agent.jar=log=target/demo.hlog,interval=200ms \
  -jar sample-app/target/spawnlock-sample.jar --threads 4 --spawns 100 --fail-every 10 >/dev/null 2>&1
java -jar agent/target/spawnlock-agent.jar report --format html -o target/demo.html target/demo.hlog
chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
  --window-size=1200,2000 --screenshot="$PWD/docs/report-demo.png" "file://$PWD/target/demo.html" 2>/dev/null
echo "docs/report-demo.png: $(stat -c %s docs/report-demo.png) bytes"
