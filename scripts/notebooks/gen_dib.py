#!/usr/bin/env python3
"""Generates notebooks/NAME.dib from notebooks/NAME.cs (the .cs, a file-based app, is the source).

The .cs is split into cells by marker comments:
    // %% [markdown]     starts a markdown cell; its lines are comments ("// text"), written without the "// "
    // %%                starts a C# cell
Before the first marker only '#:' directives, '#!' lines and blank lines may stand. The directives become '#r' lines
of a generated first C# cell:
    #:package NAME       -> #r "nuget: NAME, VERSION" (VERSION from Directory.Packages.props)
    #:project PATH       -> #r "nuget: ..." for that project's PackageReferences (transitively through its
                            ProjectReferences), then #r of its Release DLL (bin/Release/TFM/NAME.dll)
A notebook that references notebooks/NotebookKit also gets `Notebook.UseHtml(...)`, so its charts show inline.

Usage: gen_dib.py [--check] [FILE.cs ...]   (no files: every notebooks/*.cs). --check writes nothing and exits 1
when a .dib differs from what would be generated, or a .dib has no .cs.
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NOTEBOOKS = os.path.join(REPO, "notebooks")
MARKER = re.compile(r"^//\s*%%(\s*\[(markdown|md)\])?\s*$")
META = '#!meta\n\n{"kernelInfo":{"defaultKernelName":"csharp","items":[{"aliases":[],"name":"csharp"}]}}\n'


class GenError(Exception):
    pass


def find_up(start, name):
    d = os.path.abspath(start)
    while True:
        p = os.path.join(d, name)
        if os.path.isfile(p):
            return p
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def package_versions(start):
    props = find_up(start, "Directory.Packages.props")
    if props is None:
        raise GenError(f"no Directory.Packages.props above {start}")
    versions = {}
    for el in ET.parse(props).getroot().iter("PackageVersion"):
        versions[el.get("Include").lower()] = (el.get("Include"), el.get("Version"))
    return versions


def build_props_up(start):
    """Every Directory.Build.props from start's folder up (nearest first): src/ has one that imports the root's."""
    found, d = [], os.path.dirname(start)
    while d:
        p = find_up(d, "Directory.Build.props")
        if p is None:
            break
        found.append(p)
        parent = os.path.dirname(os.path.dirname(p))
        d = None if parent == os.path.dirname(p) else parent
    return found


def property_of(csproj, name):
    for path in [csproj] + build_props_up(csproj):
        for el in ET.parse(path).getroot().iter(name):
            if el.text and el.text.strip():
                return el.text.strip()
    return None


def project_refs(csproj, versions, packages, dlls, seen):
    csproj = os.path.abspath(csproj)
    if csproj in seen:
        return
    seen.add(csproj)
    if not os.path.isfile(csproj):
        raise GenError(f"#:project {csproj}: no such project")
    root = ET.parse(csproj).getroot()
    for el in root.iter("ProjectReference"):
        ref = el.get("Include").replace("\\", "/")
        project_refs(os.path.join(os.path.dirname(csproj), ref), versions, packages, dlls, seen)
    for el in root.iter("PackageReference"):
        add_package(el.get("Include"), el.get("Version") or el.get("VersionOverride"), versions, packages, csproj)
    if (property_of(csproj, "IncludeBuildOutput") or "").lower() == "false":
        return  # a native-only package project (RxMediasoup.Worker.linux-x64): no assembly to load
    tfm = property_of(csproj, "TargetFramework")
    if tfm is None:
        raise GenError(f"{csproj}: no TargetFramework")
    name = property_of(csproj, "AssemblyName") or os.path.splitext(os.path.basename(csproj))[0]
    dlls.append(os.path.join(os.path.dirname(csproj), "bin", "Release", tfm, name + ".dll"))


def add_package(name, version, versions, packages, where):
    if not version:
        entry = versions.get(name.lower())
        if entry is None:
            raise GenError(f"{where}: package {name} has no PackageVersion in Directory.Packages.props")
        name, version = entry
    if name.lower() not in (p[0].lower() for p in packages):
        packages.append((name, version))


def parse(cs_path):
    with open(cs_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    directives, cells, current = [], [], None
    for number, line in enumerate(lines, 1):
        m = MARKER.match(line.strip())
        if m:
            current = ["markdown" if m.group(1) else "csharp", []]
            cells.append(current)
            continue
        if current is None:
            if line.startswith("#:"):
                directives.append((number, line[2:].strip()))
            elif line.strip() and not line.startswith("#!"):
                raise GenError(f"{cs_path}:{number}: only #: directives may stand before the first '// %%' marker")
            continue
        if current[0] == "markdown":
            if line.strip() and not line.lstrip().startswith("//"):
                raise GenError(f"{cs_path}:{number}: a markdown cell holds only '//' comment lines")
            text = line.lstrip()[2:] if line.strip() else ""
            current[1].append(text[1:] if text.startswith(" ") else text)
        else:
            current[1].append(line)
    result = []
    for kind, body in cells:
        while body and not body[-1].strip():
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        if not body:
            raise GenError(f"{cs_path}: an empty {kind} cell")
        result.append((kind, "\n".join(body)))
    if not any(kind == "csharp" for kind, _ in result):
        raise GenError(f"{cs_path}: no C# cell")
    return directives, result


def setup_cell(cs_path, directives):
    versions = package_versions(os.path.dirname(cs_path))
    packages, dlls, seen = [], [], set()
    kit = False
    for number, d in directives:
        kind, _, arg = d.partition(" ")
        arg = arg.strip()
        if kind == "project":
            target = os.path.join(os.path.dirname(cs_path), arg)
            if os.path.isdir(target):
                found = [f for f in os.listdir(target) if f.endswith(".csproj")]
                if len(found) != 1:
                    raise GenError(f"{cs_path}:{number}: {arg} holds {len(found)} projects")
                target = os.path.join(target, found[0])
            kit = kit or os.path.basename(target) == "NotebookKit.csproj"
            project_refs(target, versions, packages, dlls, seen)
        elif kind == "package":
            name, _, version = arg.partition("@")
            add_package(name.strip(), version.strip() or None, versions, packages, f"{cs_path}:{number}")
        elif kind in ("property", "sdk"):
            continue  # build settings of the file-based app; nothing to do in the notebook host
        else:
            raise GenError(f"{cs_path}:{number}: unknown directive #:{kind}")
    here = os.path.dirname(cs_path)
    lines = [f"// Generated from {os.path.basename(cs_path)} by scripts/notebooks/gen_dib.py: edit the .cs, then run",
             "// `bash scripts/notebooks/gen-dib.sh`. Needs the Release builds (`bash scripts/run-notebooks.sh` makes them)."]
    lines += [f'#r "nuget: {n}, {v}"' for n, v in packages]
    lines += ['#r "' + os.path.relpath(p, here).replace(os.sep, "/") + '"' for p in dlls]
    if kit:
        lines.append("RxMediasoup.Notebooks.Notebook.UseHtml(html => display(HTML(html)));")
    return "\n".join(lines)


def generate(cs_path):
    directives, cells = parse(cs_path)
    out = [META]
    setup_done = False
    for kind, body in cells:
        if kind == "csharp" and not setup_done:
            out.append("#!csharp\n\n" + setup_cell(cs_path, directives) + "\n")
            setup_done = True
        out.append(f"#!{kind}\n\n{body}\n")
    return "\n".join(out)


def main(argv):
    check = "--check" in argv
    files = [a for a in argv if a != "--check"]
    if not files:
        files = sorted(os.path.join(NOTEBOOKS, f) for f in os.listdir(NOTEBOOKS) if f.endswith(".cs"))
    if not files:
        print("gen_dib: no notebooks/*.cs", file=sys.stderr)
        return 1
    failed = False
    for cs in files:
        cs = os.path.abspath(cs)
        dib = cs[:-3] + ".dib"
        try:
            text = generate(cs)
        except GenError as e:
            print(f"gen_dib: {e}", file=sys.stderr)
            failed = True
            continue
        old = open(dib, encoding="utf-8").read() if os.path.exists(dib) else None
        rel = os.path.relpath(dib, REPO)
        if old == text:
            continue
        if check:
            print(f"gen_dib: {rel} differs from what {os.path.basename(cs)} generates "
                  "(run `bash scripts/notebooks/gen-dib.sh` and commit it)", file=sys.stderr)
            failed = True
        else:
            with open(dib, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            print(f"gen_dib: wrote {rel}")
    if check:
        for f in sorted(os.listdir(NOTEBOOKS)):
            if f.endswith(".dib") and not os.path.exists(os.path.join(NOTEBOOKS, f[:-4] + ".cs")):
                print(f"gen_dib: notebooks/{f} has no notebooks/{f[:-4]}.cs it is generated from", file=sys.stderr)
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
