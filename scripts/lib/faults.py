#!/usr/bin/env python3
"""Drivers for scripts/test-faults.sh (standard library only, loopback only, bounded).

  faults.py event URL                       sign up, create a large event, print its id
  faults.py load URL EVENT SECONDS OUT      book from 16 threads; write acknowledged ids to OUT
  faults.py race URL_A URL_B OPS SEED OUT   OPS bookings and cancellations of 3 events x 5 seats
                                            by 40 people from 16 threads, each request to A or B
                                            at random; write the bookings held to OUT, print JSON
  faults.py proxy LISTEN_PORT TARGET_PORT   TCP proxy; SIGUSR1 cuts it, SIGUSR2 restores it
  faults.py sockets URL PID WS SLOW SECONDS hold WS idle WebSockets and SLOW half-sent requests
                                            while timing normal requests; prints JSON with the
                                            server's resident memory before and while held
"""
import asyncio
import http.client
import json
import random
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter


def call(method, url, body=None, token=None, timeout=10, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, decode(response.read())
    except urllib.error.HTTPError as error:
        return error.code, decode(error.read())


def decode(raw):
    """JSON, or the text itself: a body that is not JSON must not hide its status."""
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return raw.decode(errors="replace")


def sign_up(base):
    """Registers an organizer and returns its access token."""
    user = "fault" + uuid.uuid4().hex[:10]
    password = "Str0ng!pass"
    status, body = call("POST", f"{base}/auth/register",
                        {"email": f"{user}@example.com", "username": user, "password": password})
    assert status == 201, body
    status, body = call("POST", f"{base}/auth/login", {"username": user, "password": password})
    assert status == 200, body
    return body["access_token"]


def new_event(base, token, capacity):
    start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 30 * 86400))
    end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 30 * 86400 + 3600))
    status, body = call("POST", f"{base}/events", {
        "title": "Fault run", "location": "Pune", "country": "IN", "start_time": start,
        "end_time": end, "capacity": capacity}, token=token)
    assert status == 201, body
    return body["id"]


def create_event(base):
    print(new_event(base, sign_up(base), 1000000))


def load(base, event, seconds, out):
    """Books until the time is up; a request without an answer is not acknowledged."""
    deadline = time.time() + float(seconds)
    acknowledged, counts, lock = [], {}, threading.Lock()
    run = uuid.uuid4().hex[:8]

    def worker(n):
        i = 0
        while time.time() < deadline:
            i += 1
            email = f"{run}-{n}-{i}@example.com"
            try:
                status, body = call("POST", f"{base}/events/{event}/book",
                                    {"name": "Fault Tester", "email": email}, timeout=5)
            except Exception:  # connection refused or cut: the server is down
                status, body = "no answer", None
                time.sleep(0.05)
            with lock:
                counts[status] = counts.get(status, 0) + 1
                if status == 201:
                    acknowledged.append(body["id"])
            if status == 503:
                time.sleep(0.05)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with open(out, "w") as file:
        file.write("\n".join(str(i) for i in acknowledged) + "\n")
    print(json.dumps({str(k): v for k, v in counts.items()}))
    # Any 5xx other than 503 (fail fast, retry later) is a defect.
    bad = {k: v for k, v in counts.items() if isinstance(k, int) and k >= 500 and k != 503}
    if bad:
        print(f"unexpected server errors: {bad}", file=sys.stderr)
        sys.exit(1)


RACE_EVENTS, RACE_CAPACITY, RACE_PEOPLE, RACE_THREADS = 3, 5, 40, 16
# The answers each request may get (status, problem code or booking status); anything else,
# any 5xx (503 included) or no answer at all, fails the run.
RACE_EXPECTED = {
    "book": {(201, "confirmed"), (400, "event_full"), (400, "already_booked")},
    "cancel": {(200, "cancelled")},
    "cancel again": {(200, "cancelled")},
}


def race(base_a, base_b, ops, seed, out):
    """OPS bookings and cancellations of few seats by many people, each sent to A or B at random.

    Thread n draws its choices from random.Random(SEED * 1000 + n), so a run repeats as far as
    the scheduling allows. Writes the ids of the bookings the driver holds (booked and not
    cancelled) to OUT, prints a JSON summary and exits 1 on any answer not in RACE_EXPECTED.
    """
    ops, seed = int(ops), int(seed)
    token = sign_up(base_a)
    events = [new_event(base_a, token, RACE_CAPACITY) for _ in range(RACE_EVENTS)]
    people = [f"racer{i}@example.com" for i in range(RACE_PEOPLE)]
    processes = {"A": base_a, "B": base_b}
    held, holder = {}, {}  # booking id -> ((event, email), cancel token); (event, email) -> id
    cancelled = []  # (booking id, cancel token) the driver cancelled, to cancel again
    answers, statuses, per_process, unexpected, latencies = Counter(), Counter(), Counter(), [], []
    lock = threading.Lock()

    def outcome(status, body):
        if isinstance(body, dict):
            return status, body.get("code") or body.get("status")
        return status, None

    def book(rng, base):
        key = (rng.choice(events), rng.choice(people))
        status, body = call("POST", f"{base}/events/{key[0]}/book",
                            {"name": "Race Tester", "email": key[1]})
        if status == 201:
            with lock:
                if key in holder:
                    unexpected.append(f"double booking of {key}: {holder[key]} and {body['id']}")
                holder[key] = body["id"]
                held[body["id"]] = (key, body["cancel_token"])
        return "book", outcome(status, body)

    def cancel(rng, base):
        with lock:
            if not held:
                return None
            booking = rng.choice(sorted(held))
            key, cancel_token = held.pop(booking)
            del holder[key]
        status, body = call("DELETE", f"{base}/bookings/{booking}",
                            headers={"X-Cancel-Token": cancel_token})
        with lock:
            if outcome(status, body) == (200, "cancelled"):
                cancelled.append((booking, cancel_token))
            else:  # not cancelled: the booking is still the driver's
                held[booking], holder[key] = (key, cancel_token), booking
        return "cancel", outcome(status, body)

    def cancel_again(rng, base):
        with lock:
            if not cancelled:
                return None
            booking, cancel_token = rng.choice(cancelled)
        status, body = call("DELETE", f"{base}/bookings/{booking}",
                            headers={"X-Cancel-Token": cancel_token})
        return "cancel again", outcome(status, body)

    def worker(n, count):
        rng = random.Random(seed * 1000 + n)
        for _ in range(count):
            process = rng.choice(sorted(processes))
            roll = rng.random()
            began = time.time()
            try:
                result = None
                if roll >= 0.9:
                    result = cancel_again(rng, processes[process])
                elif roll >= 0.6:  # fewer cancellations than bookings keep the events full
                    result = cancel(rng, processes[process])
                result = result or book(rng, processes[process])
            except (OSError, http.client.HTTPException) as error:
                result = "no answer", (str(error), None)
            kind, (status, code) = result
            with lock:
                latencies.append(time.time() - began)
                per_process[process] += 1
                statuses[status] += 1
                answers[f"{kind} {status} {code}"] += 1
                if (status, code) not in RACE_EXPECTED.get(kind, ()):
                    unexpected.append(f"{kind} on {process}: {status} {code}")

    began = time.time()
    shares = [ops // RACE_THREADS + (n < ops % RACE_THREADS) for n in range(RACE_THREADS)]
    threads = [threading.Thread(target=worker, args=(n, share)) for n, share in enumerate(shares)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.time() - began
    with open(out, "w") as file:
        file.writelines(f"{booking}\n" for booking in sorted(held))
    latencies.sort()
    print(json.dumps({
        "ops": ops, "threads": RACE_THREADS, "seed": seed, "events": events,
        "capacity": RACE_CAPACITY, "people": RACE_PEOPLE, "elapsed_s": round(elapsed, 2),
        "ops_per_s": round(ops / elapsed),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "p99_ms": round(latencies[len(latencies) * 99 // 100] * 1000, 1),
        "statuses": {str(k): statuses[k] for k in sorted(statuses, key=str)},
        "answers": dict(sorted(answers.items())), "per_process": dict(sorted(per_process.items())),
        "held": len(held), "cancelled": len(cancelled), "unexpected": len(unexpected)}))
    if unexpected:
        print("unexpected answers (first 20):", *unexpected[:20], sep="\n  ", file=sys.stderr)
        sys.exit(1)


async def proxy(listen_port, target_port):
    state = {"open": True, "conns": set()}

    def cut():
        state["open"] = False
        for writer in list(state["conns"]):
            writer.close()

    def restore():
        state["open"] = True

    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGUSR1, cut)
    loop.add_signal_handler(signal.SIGUSR2, restore)

    async def pipe(reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except Exception:
            pass
        finally:
            writer.close()

    async def handle(reader, writer):
        if not state["open"]:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target_port)
        except OSError:
            writer.close()
            return
        state["conns"].update({writer, up_writer})
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        state["conns"].difference_update({writer, up_writer})

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
    print("proxy ready", flush=True)
    async with server:
        await server.serve_forever()


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


async def sockets(base, pid, ws_count, slow_count, seconds):
    host, port = base.removeprefix("http://").split(":")
    rss_before = rss_mb(pid)
    opened, refused = [], 0
    handshake = (f"GET /ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    for _ in range(int(ws_count)):
        try:
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(handshake.encode())
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            if b" 101 " in head.split(b"\r\n")[0]:
                opened.append(writer)
            else:
                refused += 1
                writer.close()
        except Exception:
            refused += 1
    slow = []
    for _ in range(int(slow_count)):
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"GET /events HTTP/1.1\r\nHost: slow\r\nX-Slow:")
        slow.append((reader, writer, time.time()))
    rss_held = rss_mb(pid)
    latencies, errors = [], 0
    deadline = time.time() + float(seconds)
    while time.time() < deadline:
        began = time.time()
        try:
            status, _ = await asyncio.to_thread(call, "GET", f"{base}/events")
            if status != 200:
                errors += 1
        except Exception:
            errors += 1
        latencies.append(time.time() - began)
        await asyncio.sleep(0.05)
    slow_closed = 0
    for reader, writer, _ in slow:
        try:
            data = await asyncio.wait_for(reader.read(1), 0.1)
            slow_closed += data == b""
        except Exception:
            pass
        writer.close()
    latencies.sort()
    print(json.dumps({
        "websockets_open": len(opened), "websockets_refused": refused,
        "slow_connections": len(slow), "slow_closed_by_server": slow_closed,
        "requests": len(latencies), "request_errors": errors,
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1),
        "rss_mb_before": rss_before, "rss_mb_held": rss_held,
        "kib_per_websocket": round((rss_held - rss_before) * 1024 / max(len(opened), 1), 1),
    }))
    for writer in opened:
        writer.close()


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "event":
        create_event(*args)
    elif command == "load":
        load(*args)
    elif command == "race":
        race(*args)
    elif command == "proxy":
        asyncio.run(proxy(int(args[0]), int(args[1])))
    elif command == "sockets":
        asyncio.run(sockets(*args))
    else:
        sys.exit(__doc__)
