"""report.html opened in a real headless Chromium (one launch for the DOM, one for a picture)."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analyzer.report import render_reports

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars")

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed")]


class Rendered(HTMLParser):
    """Counts, per top-level section, the SVG groups Chromium built (nodes, clusters)."""

    def __init__(self) -> None:
        super().__init__()
        self.section: str | None = None
        self.depth = 0
        self.counts: dict[str, Counter] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and self.section is None:
            self.section, self.depth = attrs.get("id", ""), 0
            self.counts[self.section] = Counter()
        if self.section is None:
            return
        if tag == "section":
            self.depth += 1
        self.counts[self.section][tag] += 1
        if tag == "g" and attrs.get("class") in ("node", "cluster", "edge"):
            self.counts[self.section][attrs["class"]] += 1

    def handle_endtag(self, tag):
        if tag == "section" and self.section is not None:
            self.depth -= 1
            if self.depth == 0:
                self.section = None


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120, check=True)


def test_report_renders_in_chromium(shop, tmp_path):
    graph, boundaries = shop
    out = tmp_path / "report"
    assert render_reports(graph, boundaries, out, frozenset({"html"})) == ()
    url = (out / "report.html").as_uri()

    dom = chromium(tmp_path, "--dump-dom", url).stdout
    parsed = Rendered()
    parsed.feed(dom)
    app = parsed.counts["app-graph"]
    assert app["svg"] == 1 and app["cluster"] == 5 and app["node"] == 10 and app["edge"] == 19
    for service in boundaries.services:
        section = parsed.counts[f"service-{service.name}"]
        assert section["svg"] == 1 and section["node"] >= len(service.models), service.name
        assert section["table"] >= 1  # its cut list
    assert parsed.counts["transactions"]["tr"] == 2

    shot = tmp_path / "report.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,2400", url)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
