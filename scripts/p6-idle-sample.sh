#!/usr/bin/env bash
# Idle databases in one `replicate` process, sampled over time (docs/performance.md, P6, session 8):
#   scripts/p6-idle-sample.sh LABEL N SECONDS [JAVA_OPTS]
# makes N small databases like benchmark P6 (page_size 4096, WAL, 10 rows of 200 bytes, the
# application's connection closed) under /tmp/p6-idle/LABEL, one config file (monitor-interval and
# sync-interval 1s, file replicas), starts bin/litestream4j replicate as built (LAUNCHER= another launcher,
# JAVA_OPTS through LITESTREAM4J_JAVA_OPTS), waits until every replica has a file, then prints RSS,
# threads, descriptors, CPU, young/full collections and the heap every 30 s for SECONDS; KEEP=1
# leaves the process running (its pid in /tmp/p6-idle/LABEL/pid). Needs python3, jcmd and jstat.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
label=$1; n=$2; secs=$3; opts=${4:-}
d=/tmp/p6-idle/$label
rm -rf "$d"; mkdir -p "$d"
python3 - "$d" "$n" <<'PY'
import os, sqlite3, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d + "/dbs", exist_ok=True)
cfg = ["dbs:"]
for i in range(n):
    p = os.path.abspath(f"{d}/dbs/db-{i:04d}.db")
    c = sqlite3.connect(p)
    c.execute("PRAGMA page_size=4096"); c.execute("PRAGMA journal_mode=WAL")
    c.execute("CREATE TABLE IF NOT EXISTS t(seq INTEGER PRIMARY KEY, t_ns INTEGER NOT NULL, payload BLOB NOT NULL)")
    with c:
        for s in range(1, 11):
            c.execute("INSERT INTO t VALUES (?,?,?)", (s, 0, os.urandom(200)))
    c.close()
    r = os.path.abspath(f"{d}/replicas/r-{i:04d}")
    cfg += [f'  - path: "{p}"', "    monitor-interval: 1000ms", "    replica:",
            f'      url: "file://{r}"', "      sync-interval: 1000ms"]
open(f"{d}/ours.yml", "w").write("\n".join(cfg) + "\n")
PY
out=$d/samples.txt
LITESTREAM4J_REBUILD=0 LITESTREAM4J_JAVA_OPTS="$opts" setsid ${LAUNCHER:-$here/bin/litestream4j} replicate -config "$d/ours.yml" >"$d/log.txt" 2>&1 &
pid=$!
echo "pid $pid opts '$opts'" | tee "$out"
t0=$(date +%s.%N)
while :; do
  ready=$(find "$d/replicas" -name '*.ltx' 2>/dev/null | sed 's|/replicas/\(r-[0-9]*\)/.*|\1|' | sort -u | wc -l)
  [ "$ready" -ge "$n" ] && break
  kill -0 $pid 2>/dev/null || { echo died; tail "$d/log.txt"; exit 1; }
  sleep 0.5
done
echo "all $n replicated after $(echo "$(date +%s.%N) - $t0" | bc) s; $(uptime)" | tee -a "$out"
hz=$(getconf CLK_TCK)
prev=""; prevt=""
start=$(date +%s)
while :; do
  now=$(date +%s); el=$((now-start))
  st=($(sed 's/^.*) //' /proc/$pid/stat))
  ticks=$((st[11]+st[12]))
  rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status); anon=$(awk '/RssAnon/{print $2}' /proc/$pid/status)
  thr=$(awk '/Threads/{print $2}' /proc/$pid/status); fds=$(ls /proc/$pid/fd | wc -l)
  files=$(find "$d/replicas" -type f | wc -l)
  cpu="-"
  if [ -n "$prev" ]; then cpu=$(echo "scale=3; 100*($ticks-$prev)/$hz/($now-$prevt)" | bc); fi
  heap=$(jcmd $pid GC.heap_info 2>/dev/null | grep -E 'DefNew|Tenured' | sed -E 's/ +/ /g; s/\[.*//' | tr '\n' ';')
  gcs=$(jstat -gc $pid 2>/dev/null | tail -1 | awk '{print "YGC="$(NF-6)" FGC="$(NF-4)" OU="$8}')
  echo "t=$el rss=${rss}k anon=${anon}k thr=$thr fds=$fds cpu%=$cpu files=$files $gcs | $heap | load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
  prev=$ticks; prevt=$now
  [ $el -ge $secs ] && break
  sleep 30
done
echo $pid > "$d/pid"
[ "${KEEP:-0}" = 1 ] || { kill -TERM $pid; wait $pid; }
