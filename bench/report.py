"""Turns bench/run.sh's raw results into the generated part of docs/benchmarks.md.

    python3 bench/report.py RESULTS_DIR docs/benchmarks.md
    python3 bench/report.py --pairs WINDOWS_TSV     (bench/echo-pairs.sh: its tables, on stdout)

Reads echo.tsv, echo-client.txt, agree.tsv, pairs.tsv, c10k.tsv, mjpeg.tsv, jmh.json, machine.txt and
profile-*.samples.txt from RESULTS_DIR; writes RESULTS_DIR/chart.tsv for the chart; replaces the text between
<!-- generated:start --> and <!-- generated:end --> in the markdown file (creating the file with
the markers when it does not exist), so the hand-written interpretation around them stays.
Every number printed comes from the raw files; nothing is filled in.
"""
import collections
import csv
import glob
import json
import os
import re
import statistics
import sys

START = "<!-- generated:start -->"
END = "<!-- generated:end -->"


def rows(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def num(value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if value != value else value  # NaN (JMH's error with too few iterations)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def size_label(size):
    size = int(size)
    return f"{size // 1024} KiB" if size % 1024 == 0 else f"{size} B"


def per_cpu(row):
    """Round trips per CPU-second the server actually got: robust when the machine is shared."""
    rtps, cpu = num(row["rtps"]), num(row["server_cpu"])
    return rtps / (cpu / 100) if rtps is not None and cpu else None


def echo_section(out, lines, chart):
    data = rows(os.path.join(out, "echo.tsv"))
    if not data:
        lines.append("No echo results.\n")
        return
    groups = collections.defaultdict(list)
    peers = []
    jdks = []
    for row in data:
        jdk = row.get("jdk") or "?"
        groups[(jdk, row["connections"], row["size"], row["peer"])].append(row)
        if row["peer"] not in peers:
            peers.append(row["peer"])
        if jdk not in jdks:
            jdks.append(jdk)
    configs = sorted({(int(r["connections"]), int(r["size"])) for r in data})
    chart.append("size\tpeer\tconnections\tvalue")
    for jdk in jdks:
        for connections, size in configs:
            lines.append(
                f"\n#### JDK {jdk}: {connections:,} connections, {size_label(size)} messages\n"
            )
            lines.append(
                "| server | round trips/s (median) | × Netty NIO | × C epoll | round trips per server CPU-second |"
                " × Netty NIO per CPU | p50 ms | p99 ms | errors | server CPU | load-generator CPU | runs |"
            )
            lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            key = (jdk, str(connections), str(size))
            netty = groups.get(key + ("netty-nio",), [])
            base = median(num(r["rtps"]) for r in netty)
            base_per_cpu = median(per_cpu(r) for r in netty)
            c_base = median(num(r["rtps"]) for r in groups.get(key + ("c-epoll",), []))
            for peer in peers:
                runs = groups.get(key + (peer,), [])
                if not runs:
                    continue
                rtps = median(num(r["rtps"]) for r in runs)
                ratio = rtps / base if rtps is not None and base else None
                c_ratio = rtps / c_base if rtps is not None and c_base else None
                efficiency = median(per_cpu(r) for r in runs)
                efficiency_ratio = (
                    efficiency / base_per_cpu if efficiency is not None and base_per_cpu else None
                )
                errors = [r["errors"] for r in runs]
                failed = sum(1 for e in errors if e == "failed")
                error_count = sum(int(e) for e in errors if e not in ("failed", ""))
                error_text = f"{error_count}" + (f" ({failed} runs failed)" if failed else "")
                lines.append(
                    f"| {peer} | {fmt(rtps)} | {fmt(ratio, 2)} | {fmt(c_ratio, 2)} | {fmt(efficiency)} |"
                    f" {fmt(efficiency_ratio, 2)} |"
                    f" {fmt(median(num(r['p50_ms']) for r in runs), 3)} |"
                    f" {fmt(median(num(r['p99_ms']) for r in runs), 3)} | {error_text} |"
                    f" {fmt(median(num(r['server_cpu']) for r in runs))} % |"
                    f" {fmt(median(num(r['load_cpu']) for r in runs))} % | {len(runs)} |"
                )
                if rtps is not None:
                    label = peer if len(jdks) == 1 else f"{peer} (JDK {jdk})"
                    chart.append(f"{size_label(size)}\t{label}\t{connections}\t{rtps:.1f}")


CLIENTS = {
    "c": "`bench/c/echo_load.c`, C, epoll",
    "loadgen": "`socketkit bench echo`, Java NIO",
}


def read_text(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return f.read().strip()


def agree_section(out, lines):
    """Both echo clients against the same two servers: do they measure the same thing?"""
    data = rows(os.path.join(out, "agree.tsv"))
    if not data:
        lines.append("Not measured.\n")
        return
    jdk = data[0].get("jdk") or "?"
    lines.append(
        f"100 connections × 64 B, JDK {jdk} (`JAVA17`, what `bin/socketkit` runs by default), a fresh"
        " server per measurement, each client for"
        " the same warm-up and window. C ÷ loadgen above 1 means the C client measured more: where"
        " `socketkit bench echo` is at 100 % of its core and the server is not, the difference is"
        " the Java client's own limit.\n"
    )
    lines.append(
        "| server | C client round trips/s | loadgen round trips/s | C ÷ loadgen |"
        " server CPU (C / loadgen) | client CPU (C / loadgen) |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|")
    by_peer = collections.defaultdict(dict)
    for row in data:
        by_peer[row["peer"]][row["client"]] = row
    for peer, clients in by_peer.items():
        c, j = clients.get("c"), clients.get("loadgen")
        c_rtps = num(c["rtps"]) if c else None
        j_rtps = num(j["rtps"]) if j else None
        ratio = c_rtps / j_rtps if c_rtps is not None and j_rtps else None

        def cpu(row, column):
            value = num(row[column]) if row else None
            return "–" if value is None else f"{fmt(value)} %"

        lines.append(
            f"| {peer} | {fmt(c_rtps)} | {fmt(j_rtps)} | {fmt(ratio, 2)} |"
            f" {cpu(c, 'server_cpu')} / {cpu(j, 'server_cpu')} |"
            f" {cpu(c, 'load_cpu')} / {cpu(j, 'load_cpu')} |"
        )


def c10k_section(out, lines):
    data = rows(os.path.join(out, "c10k.tsv"))
    if not data:
        lines.append("No C10K results.\n")
        return None
    lines.append(
        "| server (-Xmx64m) | connections | round trips/s | errors | open at the end |"
        " heap / connection | RSS / connection | heap with 10k open | RSS with 10k open |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    result = {}
    for row in data:
        n = int(row["connections"])
        hb, hl, rb, rl = (num(row[k]) for k in ("heap_base_kb", "heap_load_kb", "rss_base_kb", "rss_load_kb"))
        heap_per = (hl - hb) * 1024 / n if hb is not None and hl is not None else None
        rss_per = (rl - rb) * 1024 / n if rb is not None and rl is not None else None
        lines.append(
            f"| {row['peer']} | {n:,} | {fmt(num(row['rtps']))} | {row['errors'] or '–'} |"
            f" {row['open'] or '–'} | {fmt(heap_per)} B | {fmt(rss_per)} B |"
            f" {fmt(hl / 1024 if hl is not None else None, 1)} MiB |"
            f" {fmt(rl / 1024 if rl is not None else None, 1)} MiB |"
        )
        result[row["peer"]] = row
    return result


def mjpeg_section(out, lines):
    data = rows(os.path.join(out, "mjpeg.tsv"))
    if not data:
        lines.append("No MJPEG results.\n")
        return {}
    lines.append(
        "| server | viewers | fps min | fps median | fps max | frame age p50 ms | p99 ms | max ms |"
        " errors | server CPU | CPU per viewer | load-generator CPU | MB/s |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    summary = {}
    for row in data:
        viewers = int(row["viewers"])
        cpu = num(row["server_cpu"])
        per = cpu / viewers if cpu is not None else None
        bytes_s = num(row["bytes_s"])
        lines.append(
            f"| {row['peer']} | {viewers:,} | {fmt(num(row['fps_min']), 1)} |"
            f" {fmt(num(row['fps_median']), 1)} | {fmt(num(row['fps_max']), 1)} |"
            f" {fmt(num(row['p50_ms']), 2)} | {fmt(num(row['p99_ms']), 2)} |"
            f" {fmt(num(row['max_ms']), 2)} | {row['errors'] or '–'} | {fmt(cpu)} % |"
            f" {fmt(per, 3)} % | {fmt(num(row['load_cpu']))} % |"
            f" {fmt(bytes_s / 1e6 if bytes_s is not None else None, 1)} |"
        )
        s = summary.setdefault(row["peer"], {"best": None, "rows": {}})
        s["rows"][viewers] = row
        fmin = num(row["fps_min"])
        if fmin is not None and fmin >= 28 and row["errors"] == "0":
            if s["best"] is None or viewers > s["best"]:
                s["best"] = viewers
    lines.append("")
    for peer, s in summary.items():
        best = s["best"]
        tried = max(s["rows"])
        lines.append(
            f"- **{peer}**: largest viewer count measured with every viewer at ≥ 28 fps and no"
            f" errors: **{fmt(best) if best else 'none'}** (largest count tried: {tried:,})."
        )
    return summary


def jmh_section(out, lines):
    path = os.path.join(out, "jmh.json")
    if not os.path.exists(path):
        lines.append("No JMH results.\n")
        return
    with open(path) as f:
        results = json.load(f)
    lines.append("| benchmark | parameters | score | ± error | unit |")
    lines.append("|---|---|---:|---:|---|")
    for r in results:
        params = ", ".join(f"{k}={v}" for k, v in (r.get("params") or {}).items())
        m = r["primaryMetric"]
        lines.append(
            f"| {r['benchmark'].split('.')[-2]}.{r['benchmark'].split('.')[-1]} | {params} |"
            f" {fmt(num(m['score']), 3)} | {fmt(num(m['scoreError']), 3)} | {m['scoreUnit']} |"
        )


def profile_section(out, lines):
    files = sorted(glob.glob(os.path.join(out, "profile-*.samples.txt")))
    if not files:
        lines.append("No profiles.\n")
        return
    for path in files:
        peer = os.path.basename(path)[len("profile-"):-len(".samples.txt")]
        top = collections.Counter()
        own = collections.Counter()
        total = 0
        with open(path) as f:
            stack = None
            for line in f:
                if "stackTrace = [" in line:
                    stack = []
                    continue
                if stack is not None:
                    text = line.strip()
                    if text.startswith("]") or not text:
                        if stack:
                            total += 1
                            top[stack[0]] += 1
                            mine = next((s for s in stack if s.startswith(("dev.socketkit", "io.netty"))), None)
                            if mine:
                                own[mine] += 1
                        stack = None
                        continue
                    if text != "...":
                        stack.append(re.sub(r"\s+line:.*$", "", text))
        report = os.path.join(out, f"profile-{peer}.txt")
        rtps = None
        if os.path.exists(report):
            with open(report) as f:
                m = re.search(r"round trips/s: ([0-9.]+)", f.read())
                rtps = float(m.group(1)) if m else None
        lines.append(
            f"\n**{peer}** at 1,000 connections × 64 B ({total:,} samples,"
            f" {fmt(rtps)} round trips/s while recording). Top frames (self):\n"
        )
        lines.append("| share | frame |")
        lines.append("|---:|---|")
        for frame, count in top.most_common(12):
            lines.append(f"| {100 * count / max(total, 1):.1f} % | `{frame}` |")
        lines.append("\nFirst socketkit/Netty frame on the stack (where the time is spent from our code):\n")
        lines.append("| share | frame |")
        lines.append("|---:|---|")
        for frame, count in own.most_common(8):
            lines.append(f"| {100 * count / max(total, 1):.1f} % | `{frame}` |")


PAIR_PEERS = (
    ("c-epoll", "C epoll"), ("socketkit-selectors", "selectors"), ("socketkit-queue", "queue"),
    ("socketkit-queue-epoll", "queue on epoll"), ("netty-nio", "Netty NIO"), ("netty-epoll", "Netty epoll"),
)
PAIR_LABELS = dict(PAIR_PEERS)
# The echo targets of the issue that asked for them: (server, against, at least).
PAIR_TARGETS = (
    ("socketkit-selectors", "netty-nio", 1.1), ("socketkit-selectors", "c-epoll", 0.95),
    ("socketkit-queue", "netty-nio", 1.0),
)
# A client at this share of its core or more sets the pace: the ratio of round trips/s then measures
# the client, and the ratio per server CPU-second is the comparison that is left.
CLIENT_LIMIT = 95


def pairs_tables(data, targets):
    """bench/echo-pairs.sh's windows: every server running at once, loaded in turn, round after round.

    Appends the measured table to the returned lines and one row per target to `targets`."""
    lines = []
    configs = list(dict.fromkeys((r["connections"], r["size"]) for r in data))
    for connections, size in configs:
        config = [r for r in data if (r["connections"], r["size"]) == (connections, size)]
        rounds = len({(r["jdk"], r["round"]) for r in config}) // max(1, len({r["jdk"] for r in config}))
        lines.append(
            f"\n#### {int(connections):,} connections × {size_label(size)}, every server at once\n"
        )
        lines.append(
            f"Round trips/s: median of {rounds} windows, with the median server and client CPU (% of"
            " one core) in brackets. Ratios: median over the rounds of the ratio within a round"
            " (lowest – highest); per CPU-second: the same for round trips per server CPU-second.\n"
        )
        lines.append("| JDK | " + " | ".join(label for _, label in PAIR_PEERS) + " |")
        lines.append("|---|" + "---:|" * len(PAIR_PEERS))
        for jdk in dict.fromkeys(r["jdk"] for r in config):
            got = {(r["round"], r["peer"]): r for r in config if r["jdk"] == jdk and num(r["rtps"])}
            rounds_of_jdk = sorted({k[0] for k in got}, key=int)

            def med(peer, column):
                return median(num(got[(n, peer)][column]) for n in rounds_of_jdk if (n, peer) in got)

            cells = [
                f"{fmt(med(p, 'rtps'))} ({fmt(med(p, 'server_cpu'))} / {fmt(med(p, 'load_cpu'))})"
                for p, _ in PAIR_PEERS
            ]
            lines.append(f"| {jdk} | " + " | ".join(cells) + " |")
            for peer, base, least in PAIR_TARGETS:
                both = [n for n in rounds_of_jdk if (n, peer) in got and (n, base) in got]
                if not both:
                    continue
                ratios = [num(got[(n, peer)]["rtps"]) / num(got[(n, base)]["rtps"]) for n in both]
                per = [per_cpu(got[(n, peer)]) / per_cpu(got[(n, base)]) for n in both
                       if per_cpu(got[(n, peer)]) and per_cpu(got[(n, base)])]
                ratio, per_ratio = median(ratios), median(per)
                client = max(med(peer, "load_cpu") or 0, med(base, "load_cpu") or 0)
                result = (
                    f"{ratio:.2f}× ({min(ratios):.2f}–{max(ratios):.2f}); per server CPU-second"
                    f" {fmt(per_ratio, 2)}×; client at {fmt(client)} %"
                )
                at_limit = client >= CLIENT_LIMIT
                if ratio >= least:
                    met = "yes"
                elif at_limit and per_ratio is not None and per_ratio >= least:
                    met = "yes per server CPU-second (the client was at its limit)"
                else:
                    met = f"no ({(1 - ratio / least) * 100:.0f} % short" + (
                        "; the client was at its limit)" if at_limit else ")")
                targets.append(
                    f"| {PAIR_LABELS[peer]} ≥ {least}× {PAIR_LABELS[base]}, JDK {jdk}, {int(connections):,} ×"
                    f" {size_label(size)} | {result} | {met} |"
                )
    return lines


def targets_section(pair_targets, c10k, mjpeg, lines):
    lines.append("| target | result | met? |")
    lines.append("|---|---|---|")
    lines.extend(pair_targets)
    if not pair_targets:
        lines.append("| echo targets | bench/echo-pairs.sh did not run | not measured |")
    socketkit_c10k = [row for peer, row in (c10k or {}).items() if peer.startswith("socketkit")]
    for sk in socketkit_c10k:
        ok = sk["errors"] == "0" and sk["open"] == "10000"
        lines.append(
            f"| 10,000 connections at -Xmx64m, no errors | {sk['peer']}: errors {sk['errors']},"
            f" open {sk['open']} | {'yes' if ok else 'no'} |"
        )
    if not socketkit_c10k:
        lines.append("| 10,000 connections at -Xmx64m, no errors | no socketkit echo server was available | not measured |")
    cameras = [(peer, cam) for peer, cam in (mjpeg or {}).items() if peer.startswith("socketkit-camera")]
    for name, cam in cameras:
        jdk = name[len("socketkit-camera"):].strip()

        def measured(viewers, column):
            row = cam["rows"].get(viewers)
            return num(row[column]) if row and row["errors"] == "0" else None

        def verdict(ok, value):
            return "not measured" if value is None else ("yes" if ok else "no")

        fps = measured(1000, "fps_min")
        lines.append(f"| MJPEG 1,000 viewers all ≥ 29.5 fps {jdk} | slowest {fmt(fps, 1)} fps |"
                     f" {verdict(fps is not None and fps >= 29.5, fps)} |")
        fps, p99 = measured(3000, "fps_min"), measured(3000, "p99_ms")
        ok = fps is not None and p99 is not None and fps >= 28 and p99 < 100
        lines.append(f"| MJPEG 3,000 viewers all ≥ 28 fps, frame age p99 < 100 ms {jdk} | slowest {fmt(fps, 1)} fps,"
                     f" p99 {fmt(p99, 2)} ms | {verdict(ok, fps)} |")
        p50 = measured(100, "p50_ms")
        lines.append(f"| MJPEG frame age p50 < 5 ms at 100 viewers {jdk} | {fmt(p50, 2)} ms |"
                     f" {verdict(p50 is not None and p50 < 5, p50)} |")
    if not cameras:
        lines.append("| MJPEG fan-out targets | socketkit's camera was not available | not measured |")


def main():
    if sys.argv[1] == "--pairs":
        targets = []
        tables = pairs_tables(rows(sys.argv[2]), targets)
        print("\n".join(tables + ["", "| target | result | met? |", "|---|---|---|"] + targets))
        return
    out, markdown = sys.argv[1], sys.argv[2]
    lines = []
    chart = []
    lines.append(START)
    lines.append("")
    lines.append("_Generated by `bench/run.sh`; do not edit between the markers._\n")
    lines.append("### Machine and run\n")
    lines.append("```")
    with open(os.path.join(out, "machine.txt")) as f:
        lines.append(f.read().rstrip())
    lines.append("```\n")
    lines.append("### Targets\n")
    target_lines = []
    lines.append("@@TARGETS@@")
    lines.append("\n### Echo targets: every server at once (`bench/echo-pairs.sh`)\n")
    lines.append("The servers the echo targets name run at once, pinned to CPU 0; the C client loads them in"
                 " turn, one window each per round, in an order that rotates per round, so that a drift in"
                 " the machine's speed hits them alike. The targets above are read from these rounds.")
    pair_targets = []
    pair_rows = rows(os.path.join(out, "pairs.tsv"))
    lines.extend(pairs_tables(pair_rows, pair_targets) if pair_rows else ["\nNot measured.\n"])
    lines.append("\n### Echo, side by side\n")
    client = read_text(os.path.join(out, "echo-client.txt")) or "loadgen"
    client_text = CLIENTS.get(client, f"`{client}`")
    lines.append(f"Server pinned to CPU 0, the load generator ({client_text}) pinned to CPU 1, pipeline 1. One table per"
                 " JDK the Java servers ran on (the C and Python servers are the same in both, measured again"
                 " in the same minutes). CPU columns are the medians of each process's CPU over the counted"
                 " window, in % of one core. **One server at a time:** the machine's speed moves between"
                 " rows (see the C server's rows from table to table), so these ratios are rough; the"
                 " ratios of the servers the targets name, taken within a round with every server"
                 " running, are in the table above.\n")
    echo_section(out, lines, chart)
    lines.append("\n![Echo round trips per second against connections](benchmarks.png)\n")
    lines.append("### Clients agree?\n")
    agree_section(out, lines)
    lines.append("")
    lines.append("### C10K: 10,000 connections at -Xmx64m\n")
    lines.append("Heap is measured with `jcmd GC.run` then `GC.heap_info` before the connections and while"
                 " all 10,000 are open; RSS from `/proc/PID/status`. Per connection = the difference / 10,000.\n")
    c10k = c10k_section(out, lines)
    lines.append("\n### MJPEG fan-out, 640x480 at 30 fps\n")
    mjpeg = mjpeg_section(out, lines)
    lines.append("\n### JMH microbenchmarks\n")
    jmh_section(out, lines)
    lines.append("\n### Profiles (JFR execution samples)\n")
    profile_section(out, lines)
    lines.append("")
    lines.append(END)
    targets_section(pair_targets, c10k, mjpeg, target_lines)
    text = "\n".join(lines).replace("@@TARGETS@@", "\n".join(target_lines))

    if os.path.exists(markdown):
        with open(markdown) as f:
            old = f.read()
    else:
        old = "# Benchmarks\n\n" + START + "\n" + END + "\n"
    if START in old and END in old:
        new = old[: old.index(START)] + text + old[old.index(END) + len(END):]
    else:
        new = old.rstrip() + "\n\n" + text + "\n"
    with open(markdown, "w") as f:
        f.write(new)
    with open(os.path.join(out, "chart.tsv"), "w") as f:
        f.write("\n".join(chart) + "\n")


if __name__ == "__main__":
    main()
