"""A small closed-loop load generator: a fixed number of clients, each sending its next
request when the previous one is answered, for a fixed time, to 127.0.0.1 only.

    .venv/bin/python bench/loadgen.py PORT PATH [--cookie NAME=VALUE] [--concurrency 20]
        [--seconds 20] [--warmup 3]

Prints one JSON document: requests, errors, requests per second and latency
percentiles in milliseconds, counted over the measured window (after the warm-up).
"""

import argparse
import http.client
import json
import threading
import time

MAX_REQUESTS = 2_000_000


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


def client_loop(port, path, headers, warmup_end, end, latencies, errors, counter, lock):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    mine, my_errors = [], 0
    try:
        while True:
            started = time.perf_counter()
            if started >= end:
                break
            with lock:
                counter[0] += 1
                if counter[0] > MAX_REQUESTS:
                    break
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
            finished = time.perf_counter()
            if started >= warmup_end and finished <= end:
                if ok:
                    mine.append(finished - started)
                else:
                    my_errors += 1
    finally:
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += my_errors


def run(port: int, path: str, cookie: str, concurrency: int, seconds: float, warmup: float):
    headers = {"Host": "127.0.0.1", "Accept-Language": "zh-hans"}
    if cookie:
        headers["Cookie"] = cookie
    latencies: list[float] = []
    errors, counter = [0], [0]
    lock = threading.Lock()
    start = time.perf_counter()
    warmup_end = start + warmup
    end = warmup_end + seconds
    threads = [
        threading.Thread(
            target=client_loop,
            args=(port, path, headers, warmup_end, end, latencies, errors, counter, lock),
            daemon=True,
        )
        for _index in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + warmup + 60)

    def ms(value):
        return round(value * 1000, 1) if value is not None else None

    return {
        "path": path,
        "concurrency": concurrency,
        "seconds": seconds,
        "requests": len(latencies),
        "errors": errors[0],
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": ms(percentile(latencies, 0.50)),
        "p95_ms": ms(percentile(latencies, 0.95)),
        "p99_ms": ms(percentile(latencies, 0.99)),
        "mean_ms": ms(sum(latencies) / len(latencies)) if latencies else None,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("path")
    parser.add_argument("--cookie", default="")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    options = parser.parse_args()
    print(
        json.dumps(
            run(
                options.port,
                options.path,
                options.cookie,
                options.concurrency,
                options.seconds,
                options.warmup,
            )
        )
    )
