from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

from analyzer.report import render_reports
from tests.analyzer.report.shop import shop_boundaries, shop_graph

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ("catalog", "inventory", "kernel", "orders", "payments")


def test_only_selected_formats_are_written(shop, tmp_path):
    graph, boundaries = shop
    assert render_reports(graph, boundaries, tmp_path, frozenset({"json"})) == ()
    assert list(tmp_path.iterdir()) == []
    assert render_reports(graph, boundaries, tmp_path, frozenset({"dot"})) == ()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["apps.dot", *(f"service-{s}.dot" for s in SERVICES)])


def test_every_artifact_written(shop, tmp_path):
    graph, boundaries = shop
    assert render_reports(graph, boundaries, tmp_path,
                          frozenset({"html", "md", "dot", "svg"})) == ()
    names = {p.name for p in tmp_path.iterdir()}
    assert {"report.html", "report.md", "apps.dot", "apps.svg"} <= names
    assert all(f"service-{s}.svg" in names and f"service-{s}.dot" in names for s in SERVICES)
    assert not [n for n in names if n.endswith(".tmp")]
    assert (tmp_path / "apps.svg").read_text().count('class="cluster"') == 5


def test_html_is_self_contained(shop, tmp_path):
    graph, boundaries = shop
    render_reports(graph, boundaries, tmp_path, frozenset({"html"}))
    html = (tmp_path / "report.html").read_text()
    urls = re.findall(r"""[\w:-]*=?["']?https?://[^"'\s)]*""", html)
    assert urls and all(re.fullmatch(r'xmlns(:xlink)?="http://www\.w3\.org/(2000/svg|1999/xlink)',
                                     u) for u in urls), urls
    for forbidden in ("<script", "<link", "<img", "@import", "url(", "<iframe", "<?xml",
                      "<!DOCTYPE svg"):
        assert forbidden not in html
    assert html.count("<svg") == 1 + len(SERVICES)
    assert all(f'id="service-{s}"' in html for s in SERVICES)
    # the cut list carries every path:line of a cut edge
    assert "orders/services.py:31, orders/services.py:44" in html


def test_html_escapes_names(tmp_path):
    graph = shop_graph()
    boundaries = shop_boundaries(graph)
    odd = '<script>alert("x")</script>'
    services = tuple(dataclasses.replace(s, name=odd) if s.name == "payments" else s
                     for s in boundaries.services)
    render_reports(graph, dataclasses.replace(boundaries, services=services), tmp_path,
                   frozenset({"html", "md", "svg"}))
    html = (tmp_path / "report.html").read_text()
    assert "<script" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert (tmp_path / "service-script-alert-x-script.svg").exists()


def test_without_dot_on_path_svgs_are_skipped_with_one_warning(tmp_path):
    """A real subprocess whose PATH has no Graphviz: everything else is still written."""
    out = tmp_path / "out"
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from analyzer.report import render_reports, DEFAULT_FORMATS\n"
        "from tests.analyzer.report.shop import shop_boundaries, shop_graph\n"
        "graph = shop_graph()\n"
        "found = render_reports(graph, shop_boundaries(graph), Path(sys.argv[1]),\n"
        "                       DEFAULT_FORMATS)\n"
        "print(json.dumps([[d.level, d.code, d.message] for d in found]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(out)], cwd=ROOT,
                          env={"PATH": str(empty_bin), "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    (warning,) = json.loads(done.stdout)
    assert warning[:2] == ["warning", "graphviz-missing"] and "`dot`" in warning[2]
    names = {p.name for p in out.iterdir()}
    assert {"report.html", "report.md", "apps.dot"} <= names
    assert not [n for n in names if n.endswith(".svg")]
    html = (out / "report.html").read_text()
    assert "<svg" not in html and "graphviz-missing" in html
    assert all(f'id="service-{s}"' in html for s in SERVICES)
