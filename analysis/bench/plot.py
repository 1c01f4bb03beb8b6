"""Cost-growth figure: wall time and peak RSS against calls, proxies, offered rate, UAs."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _fit_line(xs, ys):
    """Least-squares y = a + b x (numpy-free, so the plot needs matplotlib only)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    return my - b * mx, b


def plot_growth(growth, path):
    # (key, x label, log x, log y): total calls span decades, so log-log (slope 1 =
    # linear); the rate panel does the same work at every rate, so its CPU axis is linear.
    panels = [
        ("calls", "total calls (Poisson 50/s, 1% loss)", True, True),
        ("proxies", "proxies in the chain", False, False),
        ("rate", "offered load, calls/s (concurrent calls ~ 7 s x rate)", True, False),
        ("uas", "UAs around one registrar (same calls)", True, False),
    ]
    panels = [panel for panel in panels if growth.get(panel[0])]
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4.5))
    for ax, (key, label, logx, logy) in zip(axes, panels):
        points = growth[key]
        xs = [p[key] for p in points]
        # CPU time: on a shared machine wall time also counts the waits for a core.
        walls = [p.get("cpu_s", p["wall_s"]) for p in points]
        rss = [p["rss_kib"] / 1024 for p in points]
        ax.plot(xs, walls, "o-", color="tab:blue", label="CPU s")
        if len(xs) > 1 and key != "rate":
            a, b = _fit_line(xs, walls)
            ax.plot(xs, [a + b * x for x in xs], ":", color="tab:blue", label="linear fit")
        ax.set_xlabel(label)
        ax.set_ylabel("CPU time (user + sys), s", color="tab:blue")
        if logx:
            ax.set_xscale("log")
        if logy:
            ax.set_yscale("log")
        else:
            ax.set_ylim(bottom=0)
        ax2 = ax.twinx()
        ax2.plot(xs, rss, "s--", color="tab:red", label="peak RSS MiB")
        ax2.set_ylabel("peak RSS, MiB", color="tab:red")
        ax2.set_ylim(bottom=0)
        ax.grid(True, which="both", alpha=0.3)
        ax.set_title(f"cost vs {key}")
        lines = ax.get_legend_handles_labels()
        lines2 = ax2.get_legend_handles_labels()
        ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="upper left", fontsize=8)
    fig.suptitle("sipsim run: CPU time and peak RSS vs total calls, chain length, offered load, "
                 "topology size")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
