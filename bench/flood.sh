# The anonymous flood (issue 9, item 2), sourced by bench/run: FLOOD_CLIENTS (200) clients at
# once, each posting 25 MB bodies one after another for FLOOD_SECONDS (10) per variant, against
# the release server $SERVER at $BASE, while the server's resident memory is sampled every 20 ms:
#   - no cookie at all (refused with 403 before the body is read),
#   - with a pre-login cookie and the 25 MB declared (413 at the declared length),
#   - with a pre-login cookie, chunked, no length declared (read up to 64 KiB, then 413).
# Prints resident memory before, at the peak (sampled, and the kernel's VmHWM) and after.
# Goal: under 150 MB resident throughout.

flood() {
  echo "== anonymous flood: ${FLOOD_CLIENTS:-200} clients × 25 MB POSTs, ${FLOOD_SECONDS:-10} s per variant"
  python3 - "$SERVER" "127.0.0.1" "$PORT" "${FLOOD_CLIENTS:-200}" "${FLOOD_SECONDS:-10}" <<'PY'
import re, socket, sys, threading, time, urllib.request

pid, host, port, clients, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
BODY = 25 * 1024 * 1024
CHUNK = b"a" * (64 * 1024)

def mem(field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0

page = urllib.request.urlopen(f"http://{host}:{port}/inloggen")
cookie = re.search(r"vr_csrf=([A-Za-z0-9_-]+)", page.headers.get("Set-Cookie", "")).group(1)

def one(variant):
    """One request; the status the server answered, the body bytes it took, the seconds."""
    s = socket.create_connection((host, port))
    s.settimeout(30)
    head = f"POST /inloggen HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n"
    if variant != "geen cookie":
        head += f"Cookie: vr_csrf={cookie}\r\n"
    chunked = variant == "cookie, chunked"
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {BODY}\r\n\r\n"
    started, sent = time.monotonic(), 0
    try:
        s.sendall(head.encode())
        while sent < BODY:
            piece = CHUNK
            if chunked:
                piece = f"{len(CHUNK):x}\r\n".encode() + CHUNK + b"\r\n"
            s.sendall(piece)
            sent += len(CHUNK)
        if chunked:
            s.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server answered and closed while the client was still sending
    status = "?"
    try:
        answer = s.recv(64)
        status = answer.split(b" ")[1].decode() if answer.startswith(b"HTTP/") else "?"
    except OSError:
        status = "reset"
    s.close()
    return status, sent, time.monotonic() - started

samples, stop = [], threading.Event()
def sampler():
    while not stop.is_set():
        samples.append(mem("VmRSS"))
        time.sleep(0.02)

print(f"   before: {mem('VmRSS'):.0f} MB resident")
for variant in ["geen cookie", "cookie, lengte 25 MB", "cookie, chunked"]:
    samples.clear(); stop.clear()
    t = threading.Thread(target=sampler); t.start()
    results, lock = [], threading.Lock()
    deadline = time.monotonic() + seconds
    def worker():
        while time.monotonic() < deadline:
            r = one(variant)
            with lock:
                results.append(r)
    workers = [threading.Thread(target=worker) for _ in range(clients)]
    for w in workers: w.start()
    for w in workers: w.join()
    stop.set(); t.join()
    statuses = {}
    for status, _, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    sent = sum(r[1] for r in results) / 1024 / 1024
    slowest = max(r[2] for r in results)
    print(f"   {variant:22s} {len(results):6d} requests {dict(sorted(statuses.items()))}, "
          f"{sent:,.0f} MB sent before the answer, slowest {slowest:.2f} s; "
          f"peak {max(samples):.0f} MB resident")
time.sleep(2)
print(f"   after: {mem('VmRSS'):.0f} MB resident; peak over the whole run (VmHWM) {mem('VmHWM'):.0f} MB")
PY
}
