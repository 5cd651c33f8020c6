#!/usr/bin/env python3
"""Checks the charts a notebook run produced: each chart (a `Charts.Line(` call in a cell) must have drawn a PNG of
at least 5 KB from at least 20 live samples.

  check_charts.py cs  NOTEBOOK.cs  STDOUT.log      the `dotnet run` form: the '[chart] NAME samples=N png=BYTES path=P'
                                                 lines on stdout, one per Charts.Line call, and the PNG files
  check_charts.py dib NOTEBOOK.dib OUTPUT.ipynb    the dotnet-repl form: every cell calling Charts.Line must hold
                                                 a data:image/png (base64) output whose data-samples is >= 20
"""
import base64
import json
import os
import re
import sys

MIN_PNG_BYTES = 5 * 1024
MIN_SAMPLES = 20
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CALL = re.compile(r"\bCharts\.Line\(")
CHART_LINE = re.compile(r"^\[chart\] (\S+) samples=(\d+) png=(\d+) path=(.+)$")
IMG = re.compile(r'<img [^>]*data-chart="([^"]+)" data-samples="(\d+)" src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def code_calls(source):
    return sum(len(CALL.findall(line)) for line in source.split("\n") if not line.lstrip().startswith("//"))


def check_png(what, png, samples):
    errors = []
    if not png.startswith(PNG_SIGNATURE):
        errors.append(f"{what}: not a PNG")
    if len(png) < MIN_PNG_BYTES:
        errors.append(f"{what}: PNG of {len(png)} bytes, at least {MIN_PNG_BYTES} needed")
    if samples < MIN_SAMPLES:
        errors.append(f"{what}: drawn from {samples} samples, at least {MIN_SAMPLES} needed")
    return errors


def check_cs(cs, log):
    expected = code_calls(open(cs, encoding="utf-8").read())
    errors, found = [], []
    for line in open(log, encoding="utf-8", errors="replace").read().split("\n"):
        m = CHART_LINE.match(line.strip())
        if not m:
            continue
        name, samples, size, path = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
        found.append(name)
        if not os.path.isfile(path):
            errors.append(f"{name}: {path} does not exist")
            continue
        png = open(path, "rb").read()
        if len(png) != size:
            errors.append(f"{name}: {path} holds {len(png)} bytes, the notebook printed {size}")
        errors += check_png(name, png, samples)
    if len(found) != expected:
        errors.append(f"{os.path.basename(cs)} calls Charts.Line {expected} time(s) but printed {len(found)} chart line(s)")
    return found, errors


def check_dib(dib, ipynb):
    expected = sum(code_calls(cell) for cell in open(dib, encoding="utf-8").read().split("\n#!csharp\n")[1:])
    nb = json.load(open(ipynb, encoding="utf-8"))
    errors, found = [], []
    for index, cell in enumerate(nb.get("cells", [])):
        source = "".join(cell.get("source", []))
        calls = code_calls(source) if cell.get("cell_type") == "code" else 0
        if calls == 0:
            continue
        images = []
        for output in cell.get("outputs", []):
            html = "".join(output.get("data", {}).get("text/html", []))
            images += IMG.findall(html)
        if len(images) != calls:
            errors.append(f"cell {index}: {calls} Charts.Line call(s) but {len(images)} data:image/png output(s)")
        for name, samples, data in images:
            found.append(name)
            errors += check_png(f"cell {index} chart {name}", base64.b64decode(data), int(samples))
    if len(found) != expected:
        errors.append(f"{os.path.basename(dib)} calls Charts.Line {expected} time(s) but its output holds {len(found)} chart(s)")
    return found, errors


def main(argv):
    if len(argv) != 3 or argv[0] not in ("cs", "dib"):
        print(__doc__, file=sys.stderr)
        return 2
    found, errors = (check_cs if argv[0] == "cs" else check_dib)(argv[1], argv[2])
    for e in errors:
        print(f"check_charts: {os.path.basename(argv[1])}: {e}", file=sys.stderr)
    if not errors:
        print(f"check_charts: {os.path.basename(argv[1])}: {len(found)} chart(s) ok {' '.join(found)}".rstrip())
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
