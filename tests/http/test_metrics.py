"""GET /metrics: Prometheus text through nginx (from this machine, which
the site allows): requests by route and status with latency histograms, DB
errors, rule reloads, busy workers, the delivery queue and the public
answer cache; the figures move with what happens."""

import re

from client import check, raw_request

# name{label="value",...} number; a value is quoted and may hold braces
# (route="GET /api/points/{id}").
LINE = re.compile(r'^([a-z_]+)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})? (-?[0-9.e+]+|NaN|\+Inf)$')


def scrape():
    r = raw_request("GET", "/metrics")
    check(r.status == 200, "GET /metrics: %s" % r)
    check(r.header("Content-Type", "").startswith("text/plain"), "type %r" % r.header("Content-Type"))
    out, types = {}, {}
    for line in r.body.decode("utf-8").splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
            continue
        if not line or line.startswith("#"):
            continue
        m = LINE.match(line)
        check(m is not None, "not the text format: %r" % line)
        out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out, types


def value(samples, name, **labels):
    for k, v in samples.items():
        if not k.startswith(name + "{") and k != name:
            continue
        if all(('%s="%s"' % (lk, lv)) in k for lk, lv in labels.items()):
            return v
    return None


def test_metrics_text_and_figures_that_move():
    before, types = scrape()
    for name, kind in (("yujing_requests_total", "counter"), ("yujing_db_errors_total", "counter"),
                       ("yujing_rules_reloads_total", "counter"), ("yujing_workers_busy", "gauge"),
                       ("yujing_delivery_queue", "gauge"), ("yujing_delivery_oldest_seconds", "gauge"),
                       ("yujing_public_answers_total", "counter")):
        check(types.get(name) == kind, "%s: %r" % (name, types.get(name)))
    hist = [n for n, k in types.items() if k == "histogram"]
    check(hist, "no latency histogram: %r" % types)
    h0 = value(before, "yujing_requests_total", route="GET /api/health", status="200") or 0
    for _ in range(3):
        check(raw_request("GET", "/api/health").status == 200, "health")
    check(raw_request("GET", "/api/public/warnings?q=metrics-probe").status == 200, "public list")
    check(raw_request("GET", "/api/public/warnings?q=metrics-probe").status == 200, "public list again")
    after, _ = scrape()
    h1 = value(after, "yujing_requests_total", route="GET /api/health", status="200")
    check(h1 is not None and h1 >= h0 + 3, "health requests %r → %r" % (h0, h1))
    hit0 = value(before, "yujing_public_answers_total", result="hit") or 0
    hit1 = value(after, "yujing_public_answers_total", result="hit")
    check(hit1 is not None and hit1 >= hit0 + 1, "the second public answer came from the cache: %r → %r"
          % (hit0, hit1))
    check(value(after, "yujing_delivery_queue") >= 0, "queue gauge")
    buckets = [k for k in after if k.startswith(hist[0] + "_bucket")]
    check(any('le="+Inf"' in k for k in buckets), "histogram without +Inf: %r" % buckets[:3])
