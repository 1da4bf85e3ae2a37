"""Measure a report as Chromium lays it out: the smallest rendered text and overlapping boxes.

A script appended to a copy of report.html walks every SVG text and cluster box after layout
and writes what it found into the page, which ``--dump-dom`` then returns.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = """
<script>
const holds = (a, b) => a.left <= b.left && a.right >= b.right && a.top <= b.top &&
                        a.bottom >= b.bottom;
window.addEventListener("load", () => {
  const texts = [];
  for (const el of document.querySelectorAll("svg text")) {
    const ctm = el.getScreenCTM();
    if (!ctm || !el.textContent.trim()) continue;
    const size = parseFloat(getComputedStyle(el).fontSize) * Math.hypot(ctm.a, ctm.b);
    texts.push([size, el.textContent.trim()]);
  }
  const overlaps = [];
  for (const svg of document.querySelectorAll("svg")) {
    const boxes = [...svg.querySelectorAll("g.cluster > polygon, g.cluster > path")]
      .map(p => [p.parentNode.id, p.getBoundingClientRect()]);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [ia, a] = boxes[i], [ib, b] = boxes[j];
      const inter = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
                    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
      const nested = holds(a, b) || holds(b, a);
      if (inter && !nested) overlaps.push([ia, ib]);
    }
  }
  const pre = document.createElement("pre");
  pre.id = "measured";
  pre.textContent = JSON.stringify({texts, overlaps, svgs: document.querySelectorAll("svg").length,
                                    width: document.documentElement.clientWidth});
  document.body.appendChild(pre);
});
</script>
"""


@dataclass(frozen=True)
class Layout:
    smallest_text: float  # px, as rendered
    smallest_label: str
    overlaps: tuple[tuple[str, str], ...]
    svgs: int
    width: int


def measure(report: Path, chromium: list[str], width: int = 1400) -> Layout:
    page = report.with_name("measured.html")
    page.write_text(report.read_text().replace("</body>", SCRIPT + "</body>"))
    dom = subprocess.run([*chromium, f"--window-size={width},1000", "--dump-dom",
                          page.as_uri()], capture_output=True, text=True, timeout=300,
                         check=True).stdout
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.DOTALL)
    assert found, "the measuring script did not run"
    data = json.loads(found.group(1).replace("&amp;", "&").replace("&lt;", "<")
                      .replace("&gt;", ">").replace("&quot;", '"'))
    size, label = min(data["texts"], default=(0.0, ""))
    return Layout(size, label, tuple(tuple(p) for p in data["overlaps"]), data["svgs"],
                  data["width"])
