#!/usr/bin/env bash
# Runs every notebook both ways and checks what they drew:
#   1. notebooks/*.dib must be what scripts/notebooks/gen-dib.sh generates from notebooks/*.cs;
#   2. each notebooks/NAME.cs runs as a file-based app (`dotnet run -c Release notebooks/NAME.cs`);
#   3. each notebooks/NAME.dib runs in dotnet-repl, which exits non-zero when a cell fails;
#   4. each chart (a Charts.Line call) must be a PNG >= 5 KB drawn from >= 20 live samples
#      (scripts/notebooks/check_charts.py), and no mediasoup-worker or ffmpeg started by a notebook may outlive it.
# The checks themselves are tested first (scripts/notebooks/test_checks.py).
# Usage: scripts/run-notebooks.sh [FILTER]  (only notebooks whose name contains FILTER; NOTEBOOK_FORMS="cs dib"
# picks the forms). Outputs (logs, .ipynb, PNGs) go to notebooks/out/ (git-ignored).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export PATH="$PATH:$HOME/.dotnet/tools" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
filter="${1:-}"
forms="${NOTEBOOK_FORMS:-cs dib}"
say() { echo "[notebooks] $*" >&2; }
start=$SECONDS

# ffmpeg feeds the live notebooks; python3 runs the generator and the checks.
missing=()
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
command -v python3 >/dev/null || missing+=(python3)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    say "missing: ${missing[*]} — install them (e.g. sudo apt-get install ${missing[*]})"; exit 1
  fi
fi

say "the checks catch what they exist to catch"
python3 scripts/notebooks/test_checks.py
say "generated .dib files match their .cs"
bash scripts/notebooks/gen-dib.sh --check

# dotnet-repl 0.3.259 (the version this was written against) runs the .dib files; installed on first use.
command -v dotnet-repl >/dev/null || dotnet tool install -g dotnet-repl --version 0.3.259 >/dev/null
[ -n "${MEDIASOUP_WORKER_BIN:-}" ] || bash scripts/build-worker.sh
# The .dib files reference these Release builds; `dotnet run` of a .cs builds them itself (same output).
dotnet build src/RxMediasoup -c Release -nologo -v q -clp:ErrorsOnly
dotnet build src/RxMediasoup.Testing -c Release -nologo -v q -clp:ErrorsOnly
dotnet build notebooks/NotebookKit -c Release -nologo -v q -clp:ErrorsOnly

out="$repo/notebooks/out"
mkdir -p "$out/cs" "$out/dib"
run_id="rxms-notebooks-$$-$RANDOM"
export RXMEDIASOUP_NOTEBOOK_RUN="$run_id"

# Processes (mediasoup-worker, ffmpeg, ...) that inherited this run's marker and still run.
leftovers() {
  local p
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = "$$" ] && continue
    if tr '\0' '\n' 2>/dev/null < "$p/environ" | grep -qx "RXMEDIASOUP_NOTEBOOK_RUN=$run_id"; then
      case "$(cat "$p/comm" 2>/dev/null)" in
        mediasoup-worke*|ffmpeg) echo "${p#/proc/}:$(cat "$p/comm")" ;;
      esac
    fi
  done
}
check_leftovers() {
  local left
  left="$(leftovers)"
  if [ -n "$left" ]; then
    say "$1 left processes running: $left"
    for p in $left; do kill -9 "${p%%:*}" 2>/dev/null || true; done
    exit 1
  fi
}

count=0
for cs in notebooks/*.cs; do
  name="$(basename "${cs%.cs}")"
  [[ -z "$filter" || "$name" == *"$filter"* ]] || continue
  count=$((count + 1))
  for form in $forms; do
    t0=$SECONDS
    log="$out/$form/$name.log"
    if [ "$form" = cs ]; then
      if ! NOTEBOOK_OUT_DIR="$out/cs" timeout 300 dotnet run -c Release "$cs" > "$log" 2>&1; then
        cat "$log" >&2; say "$name.cs failed"; check_leftovers "$name.cs"; exit 1
      fi
      python3 scripts/notebooks/check_charts.py cs "$cs" "$log" >&2
    else
      if ! (cd notebooks && NOTEBOOK_OUT_DIR="$out/dib" DOTNET_ROLL_FORWARD=Major timeout 300 \
            dotnet-repl --run "$name.dib" --exit-after-run --output-path "$out/dib/$name.ipynb" > "$log" 2>&1); then
        cat "$log" >&2
        python3 - "$out/dib/$name.ipynb" >&2 <<'PY' || true
import json, sys
for i, c in enumerate(json.load(open(sys.argv[1]))["cells"]):
    for o in c.get("outputs", []):
        if o.get("output_type") == "error":
            print(f"cell {i}: {o.get('evalue')}")
PY
        say "$name.dib failed (a cell failed)"; check_leftovers "$name.dib"; exit 1
      fi
      python3 scripts/notebooks/check_charts.py dib "notebooks/$name.dib" "$out/dib/$name.ipynb" >&2
    fi
    check_leftovers "$name.$form"
    say "$name.$form ok ($((SECONDS - t0)) s)"
  done
done
[ "$count" -gt 0 ] || { say "no notebook matches '$filter'"; exit 1; }
say "all $count notebook(s) ran ($forms) in $((SECONDS - start)) s"
