#!/usr/bin/env python3
"""Self-test of the notebook checks (run by scripts/run-notebooks.sh before the notebooks): each check must fail on
the inputs it exists to catch, and pass on a good one. Builds its inputs in a temporary folder."""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))


def png(size):
    """A valid PNG of about `size` bytes (noise does not compress)."""
    side = max(8, int((size / 3) ** 0.5))
    raw = b"".join(b"\x00" + os.urandom(side * 3) for _ in range(side))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b""))


def run(*args):
    return subprocess.run([sys.executable, os.path.join(HERE, args[0]), *args[1:]], capture_output=True, text=True).returncode


failures = []
cases = 0


def expect(name, code, want_ok):
    global cases
    cases += 1
    if (code == 0) != want_ok:
        failures.append(f"{name}: exit {code}, expected {'success' if want_ok else 'failure'}")


tmp = tempfile.mkdtemp(prefix="nb-checks-")
try:
    cs = os.path.join(tmp, "x.cs")
    with open(cs, "w") as f:
        f.write("// %%\nCharts.Line(\"x\", \"t\", \"y\", s);\n")
    for name, size, samples, want in [("good", 9000, 20, True), ("small png", 3000, 40, False), ("few samples", 9000, 19, False)]:
        path = os.path.join(tmp, "x.png")
        data = png(size)
        open(path, "wb").write(data)
        log = os.path.join(tmp, "x.log")
        open(log, "w").write(f"[chart] x samples={samples} png={len(data)} path={path}\n")
        expect(f"cs {name}", run("check_charts.py", "cs", cs, log), want)
    open(log, "w").write("no chart line\n")
    expect("cs missing chart", run("check_charts.py", "cs", cs, log), False)

    dib = os.path.join(tmp, "x.dib")
    open(dib, "w").write("#!meta\n\n{}\n\n#!csharp\n\nCharts.Line(\"x\", \"t\", \"y\", s);\n")
    def ipynb(outputs):
        nb = {"cells": [{"cell_type": "code", "source": ["Charts.Line(\"x\", \"t\", \"y\", s);"], "outputs": outputs}]}
        path = os.path.join(tmp, "x.ipynb")
        json.dump(nb, open(path, "w"))
        return path
    def img(size, samples):
        b64 = base64.b64encode(png(size)).decode()
        return [{"output_type": "display_data", "data": {"text/html": [
            f'<img alt="t" data-chart="x" data-samples="{samples}" src="data:image/png;base64,{b64}" />']}}]
    expect("dib good", run("check_charts.py", "dib", dib, ipynb(img(9000, 25))), True)
    expect("dib small png", run("check_charts.py", "dib", dib, ipynb(img(2000, 25))), False)
    expect("dib few samples", run("check_charts.py", "dib", dib, ipynb(img(9000, 5))), False)
    expect("dib no image", run("check_charts.py", "dib", dib, ipynb([])), False)

    # gen_dib --check: a hand-edited .dib must fail the check, the generated one must pass.
    nb_dir = os.path.join(REPO, "notebooks")
    source = sorted(f for f in os.listdir(nb_dir) if f.endswith(".cs"))[0]
    dib_path = os.path.join(nb_dir, source[:-3] + ".dib")
    original = open(dib_path, encoding="utf-8").read()
    expect("gen_dib --check on the committed .dib", run("gen_dib.py", "--check", os.path.join(nb_dir, source)), True)
    try:
        open(dib_path, "w", encoding="utf-8").write(original + "\n// edited by hand\n")
        expect("gen_dib --check on an edited .dib", run("gen_dib.py", "--check", os.path.join(nb_dir, source)), False)
    finally:
        open(dib_path, "w", encoding="utf-8").write(original)
    # The generator: directives become #r lines (versions from Directory.Packages.props, transitively through
    # #:project), markdown comments become markdown, and stray code before the first marker is refused.
    sys.path.insert(0, HERE)
    import gen_dib
    probe = os.path.join(nb_dir, f".gen-selftest-{os.getpid()}.cs")
    try:
        open(probe, "w").write("#:project NotebookKit/NotebookKit.csproj\n#:package Google.FlatBuffers\n#:property X=y\n\n"
                               "// %% [markdown]\n// # Title\n//\n// text\n\n// %%\nvar x = 1;\n")
        text = gen_dib.generate(probe)
        for want in ['#r "nuget: ScottPlot, 5.1.59"', '#r "nuget: System.Reactive, 6.0.1"', '#r "nuget: Google.FlatBuffers, 25.2.10"',
                     '#r "NotebookKit/bin/Release/net10.0/NotebookKit.dll"', "Notebook.UseHtml(", "#!markdown\n\n# Title\n\ntext\n",
                     "#!csharp\n\nvar x = 1;\n"]:
            cases += 1
            if want not in text:
                failures.append(f"gen_dib: generated text lacks {want!r}")
        open(probe, "w").write("#:package ScottPlot\nvar early = 1;\n// %%\nvar x = 1;\n")
        cases += 1
        try:
            gen_dib.generate(probe)
            failures.append("gen_dib: code before the first marker was accepted")
        except gen_dib.GenError:
            pass
    finally:
        os.remove(probe)
finally:
    shutil.rmtree(tmp)

for f in failures:
    print(f"test_checks: {f}", file=sys.stderr)
print(f"test_checks: the chart and .dib checks behave as expected in {cases - len(failures)} of {cases} cases", file=sys.stderr)
sys.exit(1 if failures else 0)
