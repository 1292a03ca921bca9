"""The outcome chart: one stacked bar per (environment, backend)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display, no GUI toolkit

from matplotlib import pyplot as plt

from apps.eval.summary import ComboSummary

SEGMENTS = [("correct", "accuracy_pct", "#2e7d32"), ("wrong", "wrong_pct", "#c62828"),
            ("AA (first)", "aa_pct", "#1565c0"), ("BB (second)", "bb_pct", "#ef6c00"),
            ("other", "other_pct", "#9e9e9e"), ("error", "error_pct", "#424242")]


def draw_outcomes(summaries: list[ComboSummary], path: Path) -> Path:
    """Stacked horizontal bars of outcome shares, labelled ``env · backend``, saved as PNG."""
    names = [f"{s.env} · {s.backend}" for s in summaries]
    fig, ax = plt.subplots(figsize=(9, 1.8 + 0.6 * len(summaries)))
    left = [0.0] * len(summaries)
    for label, attr, colour in SEGMENTS:
        values = [getattr(s, attr) for s in summaries]
        ax.barh(names, values, left=left, color=colour, label=label)
        for i, value in enumerate(values):
            if value >= 6:
                ax.text(left[i] + value / 2, i, f"{value:.0f}%", ha="center", va="center",
                        color="white", fontsize=8)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of items (each judged in both orders)")
    ax.invert_yaxis()
    ax.set_title("Pairwise judge outcomes")
    fig.legend(ncol=6, fontsize=8, loc="lower center", frameon=False)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
