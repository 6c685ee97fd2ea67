# The load run of bench/run (sourced by it; `bench/run load` runs this part alone): wrk on
# loopback against the register, side by side with a bare-stack baseline in the same run.
#
# Every target is `wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency` after a $WARMUP warm-up,
# with bench/wrk.lua rotating over a list of paths (varied queries and filters, many ids). A
# target whose paths do not answer 200 is skipped ("skipped (HTTP 404)"): routes that are not on
# this branch yet do not fail the run. The baseline (bench/bench_baseline.rs: axum + sqlx +
# askama, 12 rows of one tenant in a tenant transaction, the app's pool size) runs first and
# last; ratios are to the mean of the two. Goals on a 2-core machine: search ≥ 0.5× and facility
# page ≥ 0.8× the baseline's requests/s, p99 under 25 ms at 16 connections, server RSS under 200 MB;
# a random one of the hundred bench tenants per request ≥ 0.4×, with the register cache's hit rate
# (from the server's "projection loaded" log lines) printed below the table.
#
# Needs from bench/run: DIR, BASE, PORT, SERVER (the app's pid), BIN (the release folder),
# login (signs in with a demo account, cookies in $JAR), sql (a query as the superuser).

THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-3s}
BASELINE_PORT=${BASELINE_PORT:-$((PORT + 1))}
LOAD_TENANT=${LOAD_TENANT:-bench001}
P99_GOAL_MS=25
RSS_GOAL_MB=200
MANY_RSS_GOAL_MB=300

WRK_OUT="$DIR/wrk"
RESULTS="$WRK_OUT/results.tsv"

# The session cookie of a demo account, as a Cookie header value.
cookie_of() {
  login "$1"
  awk -F'\t' 'NF == 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$JAR"
}

# Codes that exist in the tenant's data, as shell assignments (type=…, buurt=…).
tenant_codes() {
  sql "
    with t as (select tenant_id from tenants where slug = '$1'),
    types as (select l.type_code, row_number() over (order by count(*) desc, l.type_code) n from facility_type_links l
              where l.tenant_id = (select tenant_id from t) group by 1),
    busiest as (select a.cbs_code, a.parent_id from facilities f
                join areas a on a.tenant_id = f.tenant_id and a.area_id = f.buurt_id
                where f.tenant_id = (select tenant_id from t) and a.level = 'buurt'
                group by 1, 2 order by count(*) desc, 1 limit 1)
    select format('type=%s type2=%s levensgebied=%s functie=%s doelgroep=%s bouwsteen=%s buurt=%s wijk=%s gemeente=%s',
      (select type_code from types where n = 1),
      (select type_code from types where n = 2),
      (select ft.levensgebied from facility_types ft where ft.tenant_id = (select tenant_id from t)
         and ft.code = (select type_code from types where n = 2)),
      (select c from facilities f, unnest(f.functions) c where f.tenant_id = (select tenant_id from t) group by 1 order by count(*) desc, 1 limit 1),
      (select c from facilities f, unnest(f.target_groups) c where f.tenant_id = (select tenant_id from t) group by 1 order by count(*) desc, 1 limit 1),
      (select c from facilities f, unnest(f.bouwstenen) c where f.tenant_id = (select tenant_id from t) group by 1 order by count(*) desc, 1 limit 1),
      (select cbs_code from busiest),
      (select w.cbs_code from areas w where w.tenant_id = (select tenant_id from t) and w.area_id = (select parent_id from busiest)),
      (select g.cbs_code from areas g where g.tenant_id = (select tenant_id from t) and g.level = 'gemeente'
         order by (select count(*) from areas x where x.tenant_id = g.tenant_id and x.parent_id = g.area_id) desc, 1 limit 1))"
}

# ~22 search paths under $1 (e.g. /bench001/kaart): words, a typo, every filter, combinations,
# nearness, a second page; codes taken from the tenant $2's own data.
search_paths() {
  local p=$1 type type2 levensgebied functie doelgroep bouwsteen buurt wijk gemeente
  eval "$(tenant_codes "$2")"
  cat <<EOF
$p?q=huiskamer
$p?q=maatjes
$p?q=cafe
$p?q=voedselbank
$p?q=huiskammer
$p?q=repair+caf%C3%A9
$p?q=mantelzorg&gebied=$wijk
$p?levensgebied=$levensgebied
$p?type=$type
$p?type=$type2&gebied=$gemeente
$p?functie=$functie&doelgroep=$doelgroep
$p?bouwsteen=$bouwsteen
$p?q=inloop&rolstoel=1&vrij=1
$p?dag=ma&dagdeel=ochtend
$p?dag=do&dagdeel=middag&gratis=1
$p?gratis=1&vrij=1
$p?bij=$buurt
$p?q=ontmoeting&bij=$buurt
$p?gebied=$buurt
$p?pagina=2
$p?q=koffie&pagina=2
$p
EOF
}

# "$3/<id>" for $2 facilities of tenant $1 (the first made: demo ones before any imported).
facility_paths() {
  sql "select '$3/' || f.facility_id from facilities f join tenants t using (tenant_id)
       where t.slug = '$1' and not f.archived order by f.created_at, f.facility_id limit $2"
}

# Search and facility pages of every bench tenant, in a fixed shuffled order: a request goes to
# a random one of the hundred published tenants.
many_tenant_paths() {
  sql "select p from (
         select '/' || t.slug || '/kaart?q=' || q as p from tenants t,
                unnest(array['huiskamer', 'maatjes', 'repair', 'inloop']) q where t.slug like 'bench%'
         union all
         select '/' || t.slug || '/kaart/' || f.facility_id from tenants t
         join lateral (select facility_id from facilities f where f.tenant_id = t.tenant_id and not f.archived
                       order by f.facility_id limit 4) f on true
         where t.slug like 'bench%') x
       order by md5(p)"
}

# run_target LABEL GOAL_RATIO BASE_URL PATHS_FILE [COOKIE]: one row of the table in $RESULTS.
run_target() {
  local label=$1 ratio_goal=$2 base=$3 paths=$4 cookie=${5:-} codes=() ok=0 total=0 path code first=""
  local header=()
  [ -n "$cookie" ] && header=(-H "Cookie: $cookie")
  : >"$paths.ok"
  while IFS= read -r path; do
    [ -n "$path" ] || continue
    total=$((total + 1))
    code=$(curl -s -o /dev/null -w '%{http_code}' "${header[@]}" "$base$path")
    if [ "$code" = 200 ]; then
      echo "$path" >>"$paths.ok"
      ok=$((ok + 1))
    else
      codes+=("$code")
      [ -n "$first" ] || first="$code $path"
    fi
  done <"$paths"
  local note=""
  if [ "$ok" = 0 ]; then
    printf '%s\t%s\tskipped\t%s\n' "$label" "$ratio_goal" "HTTP ${first%% *}" >>"$RESULTS"
    printf '   %-46s skipped (HTTP %s for %s)\n' "$label" "${first%% *}" "${first#* }"
    return 0
  fi
  [ "$ok" = "$total" ] || note="$((total - ok)) of $total paths not 200 (${codes[*]}), left out; first: ${first#* }"
  local out="$WRK_OUT/$(echo "$label" | tr -c 'a-zA-Z0-9\n' '_').txt"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "${header[@]}" -s bench/wrk.lua "$base" -- "$paths.ok" >/dev/null
  local mark
  mark=$(wc -l <"$DIR/server.log")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${header[@]}" -s bench/wrk.lua "$base" -- "$paths.ok" >"$out"
  local line srv="-"
  line=$(grep '^WRK ' "$out") || { echo "   $label: wrk printed no result (see $out)"; cat "$out"; return 1; }
  if [ "$base" = "$BASE" ]; then # the app's own time for these requests, from its request log
    sleep 0.2
    srv=$(tail -n +"$((mark + 1))" "$DIR/server.log" | grep -o '"duration_ms":[0-9.]*' | cut -d: -f2 | sort -n |
      awk '{ v[NR] = $1 } END { if (NR) printf "%.2f", v[int(NR * 0.99 + 0.5)]; else printf "-" }')
  fi
  line="$line server_p99_ms=$srv"
  printf '%s\t%s\tran\t%s\t%s\t%s\n' "$label" "$ratio_goal" "$line" "$ok" "$note" >>"$RESULTS"
  printf '   %-46s %s\n' "$label" "$(echo "$line" | sed 's/^WRK //')"
  [ -z "$note" ] || echo "      ($note)"
}

# Samples the app's resident memory every half second until stop_rss_sampler.
start_rss_sampler() {
  (while kill -0 "$SERVER" 2>/dev/null; do
     awk '/^VmRSS/ { print $2 }' "/proc/$SERVER/status" 2>/dev/null
     sleep 0.5
   done) >"$WRK_OUT/rss.kb" &
  RSS_SAMPLER=$!
}
stop_rss_sampler() { kill "$RSS_SAMPLER" 2>/dev/null; wait "$RSS_SAMPLER" 2>/dev/null || true; }

start_baseline() {
  "$BIN/examples/bench_baseline" "$DIR" "127.0.0.1:$BASELINE_PORT" >"$DIR/baseline.log" 2>&1 &
  BASELINE=$!
  for _ in $(seq 1 50); do curl -fs -o /dev/null "http://127.0.0.1:$BASELINE_PORT/$LOAD_TENANT" && return 0; sleep 0.2; done
  echo "the baseline did not start"; cat "$DIR/baseline.log"; return 1
}
stop_baseline() { kill "$BASELINE" 2>/dev/null; wait "$BASELINE" 2>/dev/null || true; }

# The table: target, req/s, p50, p99 (wrk's, at the client), the app's own p99 (duration_ms of its
# request log: without the wait for a core or a socket), ratio to the baseline (mean of its two
# runs), goal, result. wrk corrects its latencies for coordinated omission (a stall of 200 ms adds
# samples of 198, 196, … ms), so its p99 is the harsher figure, and it counts for the goal.
print_table() {
  awk -F'\t' -v p99goal="$P99_GOAL_MS" '
    function field(line, name,   m) { return match(line, name "=[^ ]*") ? substr(line, RSTART + length(name) + 1, RLENGTH - length(name) - 1) : "" }
    { label[NR] = $1; goal[NR] = $2; state[NR] = $3; rest[NR] = $4
      if ($3 == "ran") { rps[NR] = field($4, "rps"); p50[NR] = field($4, "p50_ms"); p99[NR] = field($4, "p99_ms"); srv[NR] = field($4, "server_p99_ms")
                         errs[NR] = field($4, "non2xx") + field($4, "socket_errors") }
      if ($1 ~ /^baseline/ && $3 == "ran") { base += rps[NR]; nbase++ } }
    END {
      if (nbase) base /= nbase
      printf "   %-46s %9s %8s %8s %8s %8s  %-22s %s\n", "target", "req/s", "p50 ms", "p99 ms", "srv p99", "x base", "goal", "result"
      for (i = 1; i <= NR; i++) {
        g = (goal[i] == "-" ? "" : ">= " goal[i] "x, ") "p99 < " p99goal " ms"
        if (state[i] != "ran") { printf "   %-46s %9s %8s %8s %8s %8s  %-22s skipped (%s)\n", label[i], "-", "-", "-", "-", "-", g, rest[i]; continue }
        ratio = base ? rps[i] / base : 0
        pass = (p99[i] + 0 < p99goal) && (goal[i] == "-" || ratio >= goal[i] + 0) && errs[i] == 0
        why = ""
        if (errs[i] > 0) why = " (" errs[i] " errors)"
        printf "   %-46s %9.0f %8.2f %8.2f %8s %7.2fx  %-22s %s%s\n", label[i], rps[i], p50[i], p99[i], srv[i], ratio, g, pass ? "PASS" : "FAIL", why
      }
    }' "$RESULTS"
}

load_run() {
  mkdir -p "$WRK_OUT"
  : >"$RESULTS"
  command -v wrk >/dev/null || scripts/install-deps --bench
  echo "== load run: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency on loopback (warm-up $WARMUP each)"
  echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other work on the machine skews every row)"
  start_baseline
  start_rss_sampler

  local baseline_url="http://127.0.0.1:$BASELINE_PORT"
  echo "/$LOAD_TENANT" >"$WRK_OUT/baseline.paths"
  search_paths "/$LOAD_TENANT/kaart" "$LOAD_TENANT" >"$WRK_OUT/search.paths"
  search_paths "/twente/kaart" twente >"$WRK_OUT/search-regio.paths"
  facility_paths "$LOAD_TENANT" 50 "/$LOAD_TENANT/kaart" >"$WRK_OUT/facility.paths"
  seq 1 20 | sed "s|^|/api/hsds/$LOAD_TENANT/services?page=|" >"$WRK_OUT/hsds-list.paths"
  facility_paths "$LOAD_TENANT" 50 "/api/hsds/$LOAD_TENANT/services" >"$WRK_OUT/hsds-service.paths"
  search_paths "/almelo/zoeken" almelo >"$WRK_OUT/zoeken.paths"
  facility_paths almelo 50 "/almelo/voorzieningen" >"$WRK_OUT/member-facility.paths"
  cat >"$WRK_OUT/member-list.paths" <<EOF
/twente/voorzieningen
/twente/voorzieningen?pagina=2
/twente/voorzieningen?pagina=40
/twente/voorzieningen?q=huiskamer
/twente/voorzieningen?q=maatjes
/twente/voorzieningen?q=voedselbank&pagina=2
/twente/voorzieningen?q=repair
/twente/voorzieningen?q=inloop&pagina=3
/twente/voorzieningen?q=eettafel
/twente/voorzieningen?q=de+riet
EOF
  local wijkteam beleid_almelo beleid_twente
  wijkteam=$(cookie_of wijkteam@almelo.demo)
  beleid_almelo=$(cookie_of beleid@almelo.demo)
  beleid_twente=$(cookie_of beleid@twente.demo)
  # Listed facilities (not archived) per tenant searched, for the labels.
  size() { sql "select count(*) from facilities f join tenants t using (tenant_id) where t.slug = '$1' and not f.archived"; }
  local n_facilities n_regio n_almelo
  n_facilities=$(size "$LOAD_TENANT")
  n_regio=$(size twente)
  n_almelo=$(size almelo)

  run_target "baseline: axum+sqlx+askama, 12 rows" - "$baseline_url" "$WRK_OUT/baseline.paths"
  run_target "search /kaart, $LOAD_TENANT ($n_facilities), 22 queries" 0.5 "$BASE" "$WRK_OUT/search.paths"
  run_target "search /kaart, regio twente ($n_regio), 22 queries" 0.5 "$BASE" "$WRK_OUT/search-regio.paths"
  run_target "facility page /kaart/{id}, 50 ids" 0.8 "$BASE" "$WRK_OUT/facility.paths"
  run_target "HSDS /services?page=1..20" - "$BASE" "$WRK_OUT/hsds-list.paths"
  run_target "HSDS /services/{id}, 50 ids" - "$BASE" "$WRK_OUT/hsds-service.paths"
  run_target "wijkteam /almelo/zoeken ($n_almelo), signed in" 0.5 "$BASE" "$WRK_OUT/zoeken.paths" "$wijkteam"
  run_target "facility page, signed in, almelo" 0.5 "$BASE" "$WRK_OUT/member-facility.paths" "$beleid_almelo"
  run_target "facility list ?q, signed in, twente" 0.5 "$BASE" "$WRK_OUT/member-list.paths" "$beleid_twente"
  many_tenant_paths >"$WRK_OUT/many.paths"
  local n_tenants many_mark
  n_tenants=$(sql "select count(*) from tenants where slug like 'bench%' and published")
  many_mark=$(wc -l <"$DIR/server.log")
  RSS_BEFORE_MANY=$(wc -l <"$WRK_OUT/rss.kb")
  run_target "$n_tenants tenants: search + facility page, random" 0.4 "$BASE" "$WRK_OUT/many.paths"
  sleep 0.2
  tail -n +"$((many_mark + 1))" "$DIR/server.log" >"$WRK_OUT/many.log"
  local many_requests many_loads kept
  many_requests=$(grep -c '"duration_ms"' "$WRK_OUT/many.log" || true)
  many_loads=$(grep -c 'projection loaded' "$WRK_OUT/many.log" || true)
  kept=$(grep 'projection loaded' "$WRK_OUT/many.log" | tail -1 | grep -o '"kept_tenants":[0-9]*,"kept_mb":[0-9]*' || true)
  MANY_CACHE=$(awk -v r="$many_requests" -v l="$many_loads" -v k="$kept" 'BEGIN {
    printf "%d requests, %d projection loads: hit rate %.1f%% (last load: %s)", r, l, r ? 100 * (r - l) / r : 0, k }')
  run_target "baseline again (end of the run)" - "$baseline_url" "$WRK_OUT/baseline.paths"

  stop_rss_sampler
  local baseline_hwm
  baseline_hwm=$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$BASELINE/status")
  stop_baseline
  echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  print_table
  local peak many_peak hwm
  # The standard targets' peak (samples before the many-tenant run), and that run's own.
  peak=$(head -n "$RSS_BEFORE_MANY" "$WRK_OUT/rss.kb" | sort -n | tail -1 | awk '{ printf "%.0f", $1 / 1024 }')
  many_peak=$(tail -n +"$((RSS_BEFORE_MANY + 1))" "$WRK_OUT/rss.kb" | sort -n | tail -1 | awk '{ printf "%.0f", $1 / 1024 }')
  hwm=$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER/status")
  printf '   %-46s %s MB   (goal < %s MB: %s)\n' "server RSS, standard targets (max sampled)" "$peak" "$RSS_GOAL_MB" \
    "$([ "$peak" -lt "$RSS_GOAL_MB" ] && echo PASS || echo FAIL)"
  printf '   %-46s %s MB   (goal < %s MB: %s)\n' "server RSS, many-tenant run (max sampled)" "$many_peak" "$MANY_RSS_GOAL_MB" \
    "$([ "$many_peak" -lt "$MANY_RSS_GOAL_MB" ] && echo PASS || echo FAIL)"
  printf '   %-46s %s MB\n' "server peak RSS (VmHWM) after the load run" "$hwm"
  printf '   %-46s %s\n' "baseline peak RSS (VmHWM)" "$baseline_hwm MB"
  printf '   %-46s %s\n' "register cache, many-tenant run" "$MANY_CACHE"
  echo "   (wrk output per target, the path lists and the RSS samples: $WRK_OUT/)"
}
